// Copyright (c) Microsoft Corporation.
// Licensed under the MIT License.

mod engine;
mod kordon_patches;
pub mod interpreter;
mod scheduler;
