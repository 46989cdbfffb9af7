// libcrypto (Debian: libssl-dev): SHA-256, HMAC and AES-256-GCM for the token
// store, from the same OpenSSL that libcurl uses for TLS, so the daemon carries
// no cryptography of its own.
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
