//! The transaction coordinator. Engine II.
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct TxnCoordinator {}
