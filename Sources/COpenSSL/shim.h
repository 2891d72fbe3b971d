// OpenSSL's libcrypto, for SHA-256 content hashes.
#include <openssl/sha.h>
