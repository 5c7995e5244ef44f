//! One keyring item, named by its service and user, below the remotes: the native protocol's
//! `item` action. The `windows` store on WSL runs it in the Windows build, so that Windows'
//! Credential Manager holds the token under the name the Windows build gives it.

use super::{Ctx, Tokens};
use crate::error::{Error, Result};
use crate::protocol::Token;
use crate::store::{Key, Store};

fn keyring<'c>(ctx: &'c Ctx) -> Result<&'c dyn Store> {
    match ctx.tokens()? {
        Tokens::Keyring(store) => Ok(store),
        Tokens::Plaintext => Err(Error::invalid(
            "the file store keeps no keyring items; choose a keyring with --store",
        )),
    }
}

#[derive(Debug, PartialEq)]
pub enum ItemAction {
    Get,
    Set(Token),
    Delete,
}

/// Whether the item is there (for `Delete`: was), and its token (for `Get`).
#[derive(Debug, PartialEq)]
pub struct ItemState {
    pub found: bool,
    pub token: Option<Token>,
}

/// The items whose service starts with `prefix`, by name.
pub fn items(ctx: &Ctx, prefix: &str) -> Result<Vec<Key>> {
    keyring(ctx)?.list(prefix)
}

pub fn item(ctx: &Ctx, key: &Key, action: ItemAction) -> Result<ItemState> {
    let store = keyring(ctx)?;
    Ok(match action {
        ItemAction::Get => {
            let token = store.get(key)?;
            ItemState {
                found: token.is_some(),
                token,
            }
        }
        ItemAction::Set(token) => {
            store.set(key, &token)?;
            ItemState {
                found: true,
                token: None,
            }
        }
        ItemAction::Delete => ItemState {
            found: store.delete(key)?,
            token: None,
        },
    })
}
