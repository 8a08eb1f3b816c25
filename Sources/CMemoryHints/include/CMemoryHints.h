#ifndef CMEMORY_HINTS_H
#define CMEMORY_HINTS_H

/// Asks the CPU to start loading the cache line holding `address` for a read soon (x86
/// `prefetcht0`). Swift has no spelling for it; a load in its place would hold up the loop until
/// the line arrives, which is the stall the hint exists to hide. Never faults, whatever the
/// address.
static inline __attribute__((always_inline)) void stockschool_prefetch(const void *address) {
    __builtin_prefetch(address, 0, 3);
}

#endif
