/* bcryptprimitives.dll for Wine 8, which lacks it: Rust's std (1.78+) calls ProcessPrng, so every
 * Rust .exe fails to start (c0000135). A test-harness part for scripts/test-windows.sh; it never
 * ships. */
#include <windows.h>
#define SystemFunction036 NTAPI SystemFunction036
#include <ntsecapi.h>
#undef SystemFunction036

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
    while (len > 0) {
        ULONG chunk = len > 0x40000000 ? 0x40000000 : (ULONG)len;
        if (!RtlGenRandom(data, chunk)) return FALSE;
        data += chunk;
        len -= chunk;
    }
    return TRUE;
}
