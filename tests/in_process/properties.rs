//! Property tests (proptest, stable Rust) of request decoding and config parsing: no input
//! panics, errors are typed, and valid values survive a round trip unchanged.

use mystic_credential_helper::{Action, Alias, Config, ErrorKind, Origin, Request, Token, decode};
use proptest::prelude::*;

fn action() -> impl Strategy<Value = Action> {
    prop_oneof![
        Just(Action::Get),
        Just(Action::Store),
        Just(Action::Erase),
        Just(Action::List)
    ]
}

fn alias() -> impl Strategy<Value = String> {
    "[A-Za-z0-9._-]{1,64}"
}

fn token() -> impl Strategy<Value = String> {
    "[!-~é€]{1,200}"
}

fn host() -> impl Strategy<Value = String> {
    // A label starting `xn--` is punycode and must decode, so random ones are not host names.
    "[a-z][a-z0-9-]{0,20}(\\.[a-z][a-z0-9-]{0,10}){0,3}".prop_filter("not punycode", |h| {
        !h.split('.').any(|l| l.starts_with("xn--"))
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn decoding_arbitrary_bytes_never_panics(action in action(), bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        if let Err(e) = decode(action, &bytes) {
            prop_assert!(matches!(e.kind, ErrorKind::InvalidRequest | ErrorKind::UnsupportedVersion), "{:?}", e.kind);
        }
    }

    #[test]
    fn decoding_arbitrary_json_never_panics(action in action(), json in "\\{(\"(v|alias|url|token|active|[a-z]{1,6})\":(\"[^\"\\\\]{0,20}\"|[0-9]{1,3}|true|null|\\[\\]),?){0,5}\\}") {
        // The keys are mostly real field names, so the values reach their validation.
        if let Err(e) = decode(action, json.as_bytes()) {
            prop_assert!(matches!(e.kind, ErrorKind::InvalidRequest | ErrorKind::UnsupportedVersion), "{:?}", e.kind);
        }
    }

    #[test]
    fn valid_store_requests_round_trip(a in alias(), t in token(), h in host(), port in proptest::option::of(1u16..), active in proptest::option::of(any::<bool>())) {
        let url = match port { Some(p) => format!("https://{h}:{p}/some/path"), None => format!("HTTPS://{}/", h.to_uppercase()) };
        let mut req = serde_json::json!({"v": 1, "alias": a, "token": t, "url": url});
        if let Some(flag) = active { req["active"] = flag.into(); }
        let decoded = decode(Action::Store, req.to_string().as_bytes()).unwrap();
        let Request::Store { alias, url, token, active: flag } = decoded else { panic!("not a store") };
        prop_assert_eq!(alias.as_str(), a.as_str());
        prop_assert_eq!(token.expose(), t.as_str());
        prop_assert_eq!(flag, active);
        let origin = url.unwrap();
        let expected = match port { Some(443) | None => format!("https://{h}"), Some(p) => format!("https://{h}:{p}") };
        prop_assert_eq!(origin.as_str(), expected.as_str());
        // Canonical form is a fixed point.
        prop_assert_eq!(Origin::parse(origin.as_str()).unwrap(), origin);
    }

    #[test]
    fn control_characters_are_refused_everywhere(a in alias(), t in token(), c in prop_oneof![Just('\0'), Just('\r'), Just('\n'), Just('\u{1}'), Just('\u{7f}')], at in 0usize..3) {
        let mut fields = [a.clone(), t.clone(), "https://h.example".to_owned()];
        // Insert at a character boundary (tokens may hold multi-byte characters).
        let mid = fields[at].char_indices().nth(fields[at].chars().count() / 2).map_or(fields[at].len(), |(i, _)| i);
        fields[at].insert(mid, c);
        let req = serde_json::json!({"alias": fields[0], "token": fields[1], "url": fields[2]});
        prop_assert!(decode(Action::Store, req.to_string().as_bytes()).is_err());
    }

    #[test]
    fn config_parsing_arbitrary_text_never_panics(text in "[ -~\\n]{0,300}") {
        if let Err(e) = Config::parse(text.as_bytes()) {
            prop_assert_eq!(e.kind, ErrorKind::Config);
        }
    }

    #[test]
    fn config_edits_round_trip(remotes in proptest::collection::btree_map(alias(), (host(), proptest::option::of(token())), 0..8), active in proptest::option::of(alias())) {
        let mut config = Config::parse(b"unknown_key: [1, 2]\n").unwrap();
        for (a, (h, t)) in &remotes {
            let t = t.clone().map(|t| Token::new(t).unwrap());
            config.upsert(&Alias::new(a.as_str()).unwrap(), &Origin::parse(&format!("https://{h}")).unwrap(), t.as_ref()).unwrap();
        }
        if let Some(a) = &active { config.set_active(Some(&Alias::new(a.as_str()).unwrap())).unwrap(); }
        let text = config.to_yaml().unwrap();
        // Read back by an independent YAML parser and compared with the generated model itself.
        let doc: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
        let written: Vec<(String, String, Option<String>)> = doc["remotes"].as_sequence().map_or_else(Vec::new, |items| {
            items.iter().map(|r| (
                r["alias"].as_str().unwrap().to_owned(),
                r["url"].as_str().unwrap().to_owned(),
                r.get("token").map(|t| t.as_str().unwrap().to_owned()),
            )).collect()
        });
        let expected: Vec<(String, String, Option<String>)> = remotes.iter()
            .map(|(a, (h, t))| (a.clone(), format!("https://{h}"), t.clone()))
            .collect();
        prop_assert_eq!(written, expected);
        prop_assert_eq!(doc.get("active_remote").and_then(|v| v.as_str()), active.as_deref());
        prop_assert_eq!(&doc["unknown_key"], &serde_yaml::Value::from(vec![1, 2]));
        // And our own reader agrees.
        let back = Config::parse(text.as_bytes()).unwrap();
        prop_assert_eq!(&back.remotes, &config.remotes);
    }
}
