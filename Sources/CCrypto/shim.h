// SPDX-License-Identifier: Apache-2.0
// libcrypto (Debian: libssl-dev): SHA-256, HMAC and AES-256-GCM for the token
// store, from the same OpenSSL that libcurl uses for TLS, so the daemon carries
// no cryptography of its own.
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
// CAFile=: the PEM bundle is read and its certificates' names and dates checked.
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/err.h>
