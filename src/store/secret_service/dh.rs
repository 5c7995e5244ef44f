//! The `dh-ietf1024-sha256-aes128-cbc-pkcs7` session of the Secret Service specification, for
//! `MYSTIC_SECRET_SERVICE_ENCRYPTION=dh`: a Diffie-Hellman exchange over the 1024-bit MODP group
//! of RFC 2409 (generator 2), HKDF-SHA256 of the shared secret (no salt, no info) as the AES-128
//! key, and AES-128-CBC with PKCS#7 padding and a fresh IV per secret.

use aes::cipher::block_padding::Pkcs7;
use aes::cipher::{BlockModeDecrypt, BlockModeEncrypt, KeyIvInit};
use num_bigint::BigUint;
use zeroize::Zeroizing;

pub(crate) const ALGORITHM: &str = "dh-ietf1024-sha256-aes128-cbc-pkcs7";

const PRIME: [u8; 128] = [
    0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xC9, 0x0F, 0xDA, 0xA2, 0x21, 0x68, 0xC2, 0x34,
    0xC4, 0xC6, 0x62, 0x8B, 0x80, 0xDC, 0x1C, 0xD1, 0x29, 0x02, 0x4E, 0x08, 0x8A, 0x67, 0xCC, 0x74,
    0x02, 0x0B, 0xBE, 0xA6, 0x3B, 0x13, 0x9B, 0x22, 0x51, 0x4A, 0x08, 0x79, 0x8E, 0x34, 0x04, 0xDD,
    0xEF, 0x95, 0x19, 0xB3, 0xCD, 0x3A, 0x43, 0x1B, 0x30, 0x2B, 0x0A, 0x6D, 0xF2, 0x5F, 0x14, 0x37,
    0x4F, 0xE1, 0x35, 0x6D, 0x6D, 0x51, 0xC2, 0x45, 0xE4, 0x85, 0xB5, 0x76, 0x62, 0x5E, 0x7E, 0xC6,
    0xF4, 0x4C, 0x42, 0xE9, 0xA6, 0x37, 0xED, 0x6B, 0x0B, 0xFF, 0x5C, 0xB6, 0xF4, 0x06, 0xB7, 0xED,
    0xEE, 0x38, 0x6B, 0xFB, 0x5A, 0x89, 0x9F, 0xA5, 0xAE, 0x9F, 0x24, 0x11, 0x7C, 0x4B, 0x1F, 0xE6,
    0x49, 0x28, 0x66, 0x51, 0xEC, 0xE6, 0x53, 0x81, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
];

type Encryptor = cbc::Encryptor<aes::Aes128>;
type Decryptor = cbc::Decryptor<aes::Aes128>;

/// Our half of the exchange, before the service has answered.
pub(crate) struct KeyPair {
    private: BigUint,
    pub(crate) public: Vec<u8>,
}

impl KeyPair {
    pub(crate) fn generate() -> std::io::Result<Self> {
        let mut bytes = Zeroizing::new([0u8; 128]);
        getrandom::fill(bytes.as_mut()).map_err(std::io::Error::other)?;
        let private = BigUint::from_bytes_be(bytes.as_ref());
        let public = BigUint::from(2u8)
            .modpow(&private, &BigUint::from_bytes_be(&PRIME))
            .to_bytes_be();
        Ok(KeyPair { private, public })
    }

    /// The AES key shared with the service, from its public key.
    pub(crate) fn agree(&self, service_public: &[u8]) -> Option<AesKey> {
        let prime = BigUint::from_bytes_be(&PRIME);
        let theirs = BigUint::from_bytes_be(service_public);
        if theirs <= BigUint::from(1u8) || theirs >= prime {
            return None;
        }
        let shared = Zeroizing::new(theirs.modpow(&self.private, &prime).to_bytes_be());
        // The shared secret is a 128-byte big-endian number, zero-padded on the left.
        let mut ikm = Zeroizing::new([0u8; 128]);
        ikm[128 - shared.len()..].copy_from_slice(&shared);
        let mut key = AesKey([0; 16]);
        hkdf::Hkdf::<sha2::Sha256>::new(None, ikm.as_ref())
            .expand(&[], &mut key.0)
            .ok()?;
        Some(key)
    }
}

#[derive(zeroize::ZeroizeOnDrop)]
pub(crate) struct AesKey([u8; 16]);

impl AesKey {
    /// (IV, ciphertext)
    pub(crate) fn encrypt(&self, plain: &[u8]) -> std::io::Result<(Vec<u8>, Vec<u8>)> {
        let mut iv = [0u8; 16];
        getrandom::fill(&mut iv).map_err(std::io::Error::other)?;
        let sealed = Encryptor::new(&self.0.into(), &iv.into()).encrypt_padded_vec::<Pkcs7>(plain);
        Ok((iv.to_vec(), sealed))
    }

    pub(crate) fn decrypt(&self, iv: &[u8], sealed: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
        let iv: [u8; 16] = iv.try_into().ok()?;
        Decryptor::new(&self.0.into(), &iv.into())
            .decrypt_padded_vec::<Pkcs7>(sealed)
            .ok()
            .map(Zeroizing::new)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_halves_agree_and_round_trip() {
        let (a, b) = (KeyPair::generate().unwrap(), KeyPair::generate().unwrap());
        let (ka, kb) = (a.agree(&b.public).unwrap(), b.agree(&a.public).unwrap());
        let (iv, sealed) = ka.encrypt(b"pipeline_sk_dh").unwrap();
        assert_ne!(sealed, b"pipeline_sk_dh");
        assert_eq!(
            kb.decrypt(&iv, &sealed).unwrap().as_slice(),
            b"pipeline_sk_dh"
        );
        assert!(
            a.agree(&[1]).is_none(),
            "a degenerate public key is refused"
        );
    }
}
