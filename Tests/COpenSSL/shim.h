// The system OpenSSL, for the test SMTP sink's STARTTLS only (never linked into the platform).
// A server-side TLS session over memory BIOs: the sink feeds it what the socket received and
// sends what it produced, so it fits a SwiftNIO channel handler without owning the socket.
#include <openssl/ssl.h>
#include <openssl/err.h>

/// A server context with the PEM certificate chain and private key; NULL on error.
static inline SSL_CTX *roch_tls_server_context(const char *certificate_chain, const char *private_key) {
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    if (!ctx) return NULL;
    if (SSL_CTX_use_certificate_chain_file(ctx, certificate_chain) != 1 ||
        SSL_CTX_use_PrivateKey_file(ctx, private_key, SSL_FILETYPE_PEM) != 1 ||
        SSL_CTX_check_private_key(ctx) != 1) {
        SSL_CTX_free(ctx);
        return NULL;
    }
    return ctx;
}

/// A new server session reading from and writing to memory BIOs.
static inline SSL *roch_tls_session(SSL_CTX *ctx) {
    SSL *ssl = SSL_new(ctx);
    if (!ssl) return NULL;
    SSL_set_bio(ssl, BIO_new(BIO_s_mem()), BIO_new(BIO_s_mem()));
    SSL_set_accept_state(ssl);
    return ssl;
}

/// Hands bytes received from the network to the session.
static inline int roch_tls_feed(SSL *ssl, const void *bytes, int count) { return BIO_write(SSL_get_rbio(ssl), bytes, count); }

/// Plaintext into `buffer`: > 0 bytes read, 0 needs more input, -1 the session ended or failed.
static inline int roch_tls_read(SSL *ssl, void *buffer, int capacity) {
    int n = SSL_read(ssl, buffer, capacity);
    if (n > 0) return n;
    int error = SSL_get_error(ssl, n);
    if (error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE) return 0;
    return -1;
}

/// Encrypts plaintext for sending; the result is taken with roch_tls_take.
static inline int roch_tls_write(SSL *ssl, const void *bytes, int count) { return SSL_write(ssl, bytes, count); }

/// Bytes the session produced for the network (handshake, records) waiting to be sent.
static inline int roch_tls_pending(SSL *ssl) { return (int)BIO_ctrl_pending(SSL_get_wbio(ssl)); }
static inline int roch_tls_take(SSL *ssl, void *buffer, int capacity) { return BIO_read(SSL_get_wbio(ssl), buffer, capacity); }
