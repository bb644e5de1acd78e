//! The environment renderers (`helm`, `kubectl kustomize`, `kustomize`) run in.
//!
//! kordon scans pull requests from people the repository owner may not trust, in CI jobs that
//! hold tokens and cluster credentials. A renderer inherits none of that: it starts from an
//! empty environment, gets a throw-away home, cache and config, a kubeconfig that names no
//! cluster, and proxies that lead nowhere, so neither it nor a git it starts can reach a
//! cluster or the network, read the job's credentials, or run the user's helm plugins.

use std::path::Path;
use std::process::{Command, Stdio};

/// A proxy address nothing listens on (the discard port on loopback): connections through it
/// are refused at once instead of hanging until a timeout.
const DEAD_PROXY: &str = "http://127.0.0.1:9";

/// A kubeconfig whose only cluster is the dead address.
const DEAD_KUBECONFIG: &str = "apiVersion: v1
kind: Config
clusters:
  - name: none
    cluster: {server: \"http://127.0.0.1:9\"}
contexts:
  - name: none
    context: {cluster: none}
current-context: none
";

/// Variables passed on unchanged: what a renderer needs to find programs and print text.
const KEPT: &[&str] = &[
    "PATH",
    "LANG",
    "LC_ALL",
    "LC_CTYPE",
    "TZ",
    "SYSTEMROOT",
    "TMPDIR",
];

/// Proxy variables, in both spellings Go and git read.
const PROXIES: &[&str] = &[
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
    "http_proxy",
    "https_proxy",
    "all_proxy",
];

/// Whether the renderer may reach the network (remote kustomize bases the user allowed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Network {
    /// Every connection is refused (the default).
    Blocked,
    /// The caller's proxy settings are passed on, nothing else of its environment.
    Allowed,
}

/// A command for `binary` with a scrubbed environment under `home` (a fresh temporary
/// directory the caller keeps alive until the command has run), standard input closed.
pub fn renderer_command(binary: &Path, home: &Path, network: Network) -> Command {
    let mut command = Command::new(binary);
    command.env_clear().stdin(Stdio::null());
    for name in KEPT {
        if let Some(value) = std::env::var_os(name) {
            command.env(name, value);
        }
    }
    let dir = |name: &str| {
        let path = home.join(name);
        // A missing directory only makes the renderer create it or fail with a clear message.
        let _ = std::fs::create_dir_all(&path);
        path
    };
    let kubeconfig = home.join("kubeconfig");
    // With no cluster named, kubectl 1.32 still asks `localhost:8080` for its version on every
    // `kubectl kustomize`, and a CI job may well serve something there: name a cluster at the
    // dead address instead, where the request is refused at once.
    let _ = std::fs::write(&kubeconfig, DEAD_KUBECONFIG);
    command
        .env("HOME", home)
        .env("USERPROFILE", home)
        .env("KUBECONFIG", &kubeconfig)
        .env("KUBECACHEDIR", dir("kube-cache"))
        .env("XDG_CACHE_HOME", dir("cache"))
        .env("XDG_CONFIG_HOME", dir("config"))
        .env("XDG_DATA_HOME", dir("data"))
        .env("HELM_CACHE_HOME", dir("helm-cache"))
        .env("HELM_CONFIG_HOME", dir("helm-config"))
        .env("HELM_DATA_HOME", dir("helm-data"))
        .env("HELM_PLUGINS", dir("helm-plugins"))
        .env("HELM_REGISTRY_CONFIG", home.join("helm-registry.json"))
        .env(
            "HELM_REPOSITORY_CONFIG",
            home.join("helm-repositories.yaml"),
        )
        .env("HELM_REPOSITORY_CACHE", dir("helm-repository-cache"))
        // Git started by kustomize for a remote base: no prompt, no user or system config
        // (credential helpers, url rewrites), no ssh transport that bypasses the proxy.
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", home.join("gitconfig"))
        .env("GIT_ASKPASS", "true")
        .env("SSH_ASKPASS", "true");
    match network {
        Network::Blocked => {
            for name in PROXIES {
                command.env(name, DEAD_PROXY);
            }
            command
                .env("NO_PROXY", "")
                .env("no_proxy", "")
                .env("GIT_SSH_COMMAND", "false")
                .env("GIT_ALLOW_PROTOCOL", "file");
        }
        Network::Allowed => {
            for name in PROXIES.iter().chain(&["NO_PROXY", "no_proxy"]) {
                if let Some(value) = std::env::var_os(name) {
                    command.env(name, value);
                }
            }
        }
    }
    command
}

/// A fresh home for one renderer run.
pub fn renderer_home() -> std::io::Result<tempfile::TempDir> {
    tempfile::Builder::new()
        .prefix("kordon-renderer-")
        .tempdir()
}

/// Whether a kustomize reference names something remote (a URL, a git repository, a
/// `github.com/...` shorthand) rather than a local path.
pub fn is_remote_reference(text: &str) -> bool {
    let text = text.trim();
    text.contains("://")
        || text.starts_with("git@")
        || text.starts_with("git::")
        || text.starts_with("github.com/")
        || text.starts_with("gitlab.com/")
        || text.starts_with("bitbucket.org/")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What `env` prints when started as a renderer: the environment a renderer really gets.
    fn renderer_environment(network: Network) -> String {
        let home = renderer_home().expect("temp home");
        let output = renderer_command(Path::new("env"), home.path(), network)
            .output()
            .expect("env runs");
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    #[test]
    fn a_renderer_inherits_nothing_but_the_kept_variables_and_reaches_no_cluster() {
        // cargo sets CARGO_MANIFEST_DIR for the test process: a renderer must not see it, as it
        // must not see a CI job's tokens.
        assert!(std::env::var_os("CARGO_MANIFEST_DIR").is_some());
        let environment = renderer_environment(Network::Blocked);
        assert!(
            !environment.contains("CARGO_MANIFEST_DIR="),
            "{environment}"
        );
        assert!(
            environment.contains("HTTPS_PROXY=http://127.0.0.1:9\n"),
            "{environment}"
        );
        assert!(
            environment.contains("GIT_ALLOW_PROTOCOL=file\n"),
            "{environment}"
        );
        let kubeconfig = environment
            .lines()
            .find_map(|line| line.strip_prefix("KUBECONFIG="))
            .expect("KUBECONFIG is set");
        assert!(kubeconfig.contains("kordon-renderer-"), "{kubeconfig}");
        let home = environment
            .lines()
            .find_map(|line| line.strip_prefix("HOME="))
            .expect("HOME is set");
        assert!(home.contains("kordon-renderer-"), "{home}");
    }

    #[test]
    fn remote_references_are_told_from_local_paths() {
        for remote in [
            "https://example.com/base.yaml",
            "git@github.com:org/repo.git",
            "github.com/org/repo//base?ref=v1",
        ] {
            assert!(is_remote_reference(remote), "{remote}");
        }
        for local in ["../base", "deployment.yaml", "overlays/github.com-mirror"] {
            assert!(!is_remote_reference(local), "{local}");
        }
    }
}
