#ifndef KURA_CMECAB_SHIM_H
#define KURA_CMECAB_SHIM_H
// MeCab's C API (Debian libmecab-dev); the dictionary comes from mecabrc (mecab-ipadic-utf8).
#include <mecab.h>
#endif
