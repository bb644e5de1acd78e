//! Collections of errors (a configuration or a rule folder can be wrong in several places at
//! once) that are themselves errors, so `?` carries all of them into `Box<dyn Error>` or
//! `anyhow`.

use std::fmt;

macro_rules! error_list {
    ($(#[$doc:meta])* $name:ident, $item:ty, $what:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Default)]
        pub struct $name(pub Vec<$item>);

        impl $name {
            /// The errors, in the order found.
            pub fn into_vec(self) -> Vec<$item> {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(
                    f,
                    "{} {}{}",
                    self.0.len(),
                    $what,
                    if self.0.len() == 1 { "" } else { "s" }
                )?;
                for error in &self.0 {
                    write!(f, "\n  {error}")?;
                }
                Ok(())
            }
        }

        impl std::error::Error for $name {}

        impl std::ops::Deref for $name {
            type Target = Vec<$item>;
            fn deref(&self) -> &Vec<$item> {
                &self.0
            }
        }

        impl std::ops::DerefMut for $name {
            fn deref_mut(&mut self) -> &mut Vec<$item> {
                &mut self.0
            }
        }

        impl From<Vec<$item>> for $name {
            fn from(errors: Vec<$item>) -> Self {
                $name(errors)
            }
        }

        impl IntoIterator for $name {
            type Item = $item;
            type IntoIter = std::vec::IntoIter<$item>;
            fn into_iter(self) -> Self::IntoIter {
                self.0.into_iter()
            }
        }

        impl<'a> IntoIterator for &'a $name {
            type Item = &'a $item;
            type IntoIter = std::slice::Iter<'a, $item>;
            fn into_iter(self) -> Self::IntoIter {
                self.0.iter()
            }
        }
    };
}

error_list!(
    /// Everything wrong with a configuration file.
    ConfigErrors,
    crate::config::ConfigError,
    "configuration error"
);

error_list!(
    /// Every rule that failed to load.
    RuleLoadErrors,
    crate::rules::RuleLoadError,
    "rule load error"
);
