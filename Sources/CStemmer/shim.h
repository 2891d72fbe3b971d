#ifndef KURA_CSTEMMER_SHIM_H
#define KURA_CSTEMMER_SHIM_H
// Snowball's stemmers (Debian libstemmer-dev).
#include <libstemmer.h>
#endif
