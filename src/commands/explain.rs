//! `dsig explain CODE`: a rule's page.

use super::{Exit, print};
use dsig::error::Error;

pub fn run(code: &str) -> Result<Exit, Error> {
    let rule = dsig::rules::find(code)
        .ok_or_else(|| Error::Setup(format!("no rule {code:?} (see `dsig rules`)")))?;
    print(rule.doc)?;
    Ok(Exit::Clean)
}
