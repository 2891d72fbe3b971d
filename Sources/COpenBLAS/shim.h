// OpenBLAS through its CBLAS interface. cblas.h also declares the OpenBLAS
// extras (openblas_get_corename, openblas_set_num_threads) Kura uses.
#include <cblas.h>
