//! YAML helpers shared by the readers of compose files, manifests and
//! `.dsig.yaml`: a pre-scan that refuses text nested too deep for the parser
//! ([`depth`]), the positions the YAML library reports in its errors
//! ([`position`]), and the tree of the parts a reader keeps, with each
//! key's position ([`tree`], built by [`visit`], merge keys resolved by
//! [`merge`]). A leaf: it knows YAML text and the library's errors,
//! not what the files mean.

pub mod depth;
pub mod merge;
pub mod position;
pub mod tree;
pub mod visit;
