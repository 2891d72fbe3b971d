// Byte spinlocks for the adjacency lists of a graph under parallel insertion. A lock is held for the
// copy or edit of one short list (tens of words), so spinning beats a futex: an uncontended pthread
// mutex costs an atomic and a call on each side, and graph insertion takes hundreds per vector. A waiter
// yields its core after a short spin, in case the holder was preempted (more threads than cores).
#ifndef KURA_SPIN_H
#define KURA_SPIN_H

#include <sched.h>
#include <stdint.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define CK_SPIN_PAUSE() _mm_pause()
#elif defined(__aarch64__)
#define CK_SPIN_PAUSE() __asm__ __volatile__("yield")
#else
#define CK_SPIN_PAUSE() ((void)0)
#endif

static inline void ck_spin_lock(uint8_t *lock) {
    while (__atomic_exchange_n(lock, (uint8_t)1, __ATOMIC_ACQUIRE)) {
        for (int spins = 0; __atomic_load_n(lock, __ATOMIC_RELAXED); spins++) {
            if (spins < 64) {
                CK_SPIN_PAUSE();
            } else {
                sched_yield();
            }
        }
    }
}

static inline void ck_spin_unlock(uint8_t *lock) { __atomic_store_n(lock, (uint8_t)0, __ATOMIC_RELEASE); }

#endif
