//! One keyring item, named by its service and user, below the remotes: the native protocol's
//! `item` action. The `windows` store on WSL runs it in the Windows build, so that Windows'
//! Credential Manager holds the token under the name the Windows build gives it.

use super::{Ctx, Tokens};
use crate::error::{Error, Result};
use crate::remote::Token;
use crate::store::{ItemCall, Key};

/// What an `item` call found.
#[derive(Debug, PartialEq)]
pub(crate) enum ItemReply {
    /// Whether the item is there (for `Delete`: was), and its token (for `Get`).
    Item { found: bool, token: Option<Token> },
    /// `List`: the items by name.
    Items(Vec<Key>),
}

pub(crate) fn item(ctx: &Ctx, call: ItemCall) -> Result<ItemReply> {
    let Tokens::Keyring(store) = ctx.tokens()? else {
        return Err(Error::invalid(
            "the file store keeps no keyring items; choose a keyring with --store",
        ));
    };
    Ok(match call {
        ItemCall::Get(key) => {
            let token = store.get(&key)?;
            ItemReply::Item {
                found: token.is_some(),
                token,
            }
        }
        ItemCall::Set(key, token) => {
            store.set(&key, &token)?;
            ItemReply::Item {
                found: true,
                token: None,
            }
        }
        ItemCall::Delete(key) => ItemReply::Item {
            found: store.delete(&key)?,
            token: None,
        },
        ItemCall::List(prefix) => ItemReply::Items(store.list(&prefix)?),
    })
}
