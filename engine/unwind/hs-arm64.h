/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-arm64.h: what Armv8-A registers mean, for people reading them.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The system registers an engineer looks at first (hypervisor, then guest), in display order. */
const char * const *hs_arm64_key_system_registers (void);
/* The system registers read at every halt: what walks and machine matching need. */
const char * const *hs_arm64_walk_registers       (void);
/* A short decoding ("VMID 1, BADDR 0x81234000"), or NULL when there is nothing to add. */
char               *hs_arm64_describe_register    (const char *name,
                                                   guint64     value);

/* Whether an A64 instruction is a call that returns to the next one (BL, BLR). */
gboolean hs_arm64_is_call (guint32 insn);

G_END_DECLS
