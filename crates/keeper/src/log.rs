//! One line per decision, as text for a person or JSON for a log pipeline.

use serde_json::{Value, json};

use crate::options::LogFormat;

#[derive(Debug, Clone, Copy)]
pub struct Logger {
    pub format: LogFormat,
}

impl Logger {
    /// `event` names what happened (`activated`, `idle`, `front-run`, …); `message` says it in
    /// a sentence; `fields` carry the figures.
    pub fn line(&self, event: &str, message: &str, fields: Value) {
        match self.format {
            LogFormat::Text => eprintln!("pool-keeper: {message}"),
            LogFormat::Json => {
                let mut line = json!({ "event": event, "message": message });
                if let (Some(line), Value::Object(fields)) = (line.as_object_mut(), fields) {
                    line.extend(fields);
                }
                println!("{line}");
            }
        }
    }
}
