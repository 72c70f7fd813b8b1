/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-disasm.h: AArch64 disassembly (capstone), as plain data.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  guint64 address;
  guint32 word;               /* the instruction as the CPU reads it (little-endian) */
  char *mnemonic;             /* "bl", or ".inst" for what capstone cannot decode */
  char *operands;             /* "#0xffff800008bb5ba0" */
  gboolean is_branch;         /* a direct branch or call with a known target */
  gboolean is_call;           /* bl */
  guint64 target;
} HsInstruction;

void       hs_instruction_clear (HsInstruction *insn);
/* Decodes @len bytes of code at @address; undecodable words become ".inst 0x...". */
GArray    *hs_disasm_arm64      (const guint8  *code,
                                 gsize          len,
                                 guint64        address,
                                 GError       **error);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (HsInstruction, hs_instruction_clear)

G_END_DECLS
