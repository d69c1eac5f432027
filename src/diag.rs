//! Non-fatal problems found during a build: counted, reported at the end, and turned into an
//! error by `--strict`. Notes are facts worth logging that are expected in the real data.

use std::sync::Mutex;

#[derive(Debug, Default)]
pub struct Diagnostics {
    pub warnings: Vec<String>,
    pub notes: Vec<String>,
}

impl Diagnostics {
    pub fn warn(&mut self, msg: impl Into<String>) {
        self.warnings.push(msg.into());
    }
    pub fn note(&mut self, msg: impl Into<String>) {
        self.notes.push(msg.into());
    }
}

/// Shared collector for parallel stages.
#[derive(Debug, Default)]
pub struct SharedDiagnostics(pub Mutex<Diagnostics>);

impl SharedDiagnostics {
    pub fn warn(&self, msg: impl Into<String>) {
        self.0.lock().expect("diagnostics lock").warn(msg);
    }
    pub fn note(&self, msg: impl Into<String>) {
        self.0.lock().expect("diagnostics lock").note(msg);
    }
}
