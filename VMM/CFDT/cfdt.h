#include <libfdt.h>
/* fdt_totalsize is a macro and does not import into Swift. */
static inline uint32_t cfdt_totalsize(const void *fdt) { return fdt_totalsize(fdt); }
