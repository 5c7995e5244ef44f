//! Kernel keys as the tests see them: the user's persistent keyring (where the helper keeps
//! tokens), and the session and user keyrings (where version 1 kept them), searched recursively.

use linux_keyutils::{KeyRing, KeyRingIdentifier, KeyType};

fn rings() -> Vec<KeyRing> {
    let mut rings = Vec::new();
    // Linked into this test process's own keyring, which makes us its possessor.
    if let Ok(p) = KeyRing::get_persistent(KeyRingIdentifier::Process) {
        rings.push(p);
    }
    for id in [KeyRingIdentifier::Session, KeyRingIdentifier::User] {
        if let Ok(r) = KeyRing::from_special_id(id, false) {
            rings.push(r);
        }
    }
    rings
}

/// (key, description) of every `user` key reachable from `ring`.
fn walk(ring: KeyRing, out: &mut Vec<(linux_keyutils::Key, String)>, depth: usize) {
    let Ok(links) = ring.get_links(4096) else {
        return;
    };
    for node in links.iter() {
        if let Some(key) = node.as_key()
            && let Ok(meta) = key.metadata()
            && meta.get_type() == KeyType::User
        {
            out.push((key, meta.get_description().to_owned()));
        } else if let Some(inner) = node.as_ring()
            && depth < 4
        {
            walk(inner, out, depth + 1);
        }
    }
}

fn all() -> Vec<(linux_keyutils::Key, String)> {
    let mut out = Vec::new();
    for ring in rings() {
        walk(ring, &mut out, 0);
    }
    out
}

/// Descriptions of the keys that mention `needle`, one per key however many keyrings link it.
pub fn matching(needle: &str) -> Vec<String> {
    let mut found: Vec<(linux_keyutils::Key, String)> = all()
        .into_iter()
        .filter(|(_, d)| d.contains(needle))
        .collect();
    found.sort_by_key(|(k, _)| k.get_id().as_raw_id());
    found.dedup_by_key(|(k, _)| k.get_id().as_raw_id());
    found.into_iter().map(|(_, d)| d).collect()
}

pub fn remove_matching(needle: &str) {
    for (key, description) in all() {
        if description.contains(needle) {
            let _ = key.invalidate();
        }
    }
}
