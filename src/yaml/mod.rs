//! YAML helpers shared by the readers of compose files and of `.dsig.yaml`:
//! a pre-scan that refuses text nested too deep for the parser
//! ([`depth`]), and the positions the YAML library reports in its errors
//! ([`position`]). A leaf: it knows YAML text and the library's errors,
//! not what the files mean.

pub mod depth;
pub mod position;
