/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "hs-disasm"

#include "config.h"

#include "hs-disasm.h"

#include <capstone.h>
#include <gio/gio.h>
#include <string.h>

void
hs_instruction_clear (HsInstruction *insn)
{
  g_clear_pointer (&insn->mnemonic, g_free);
  g_clear_pointer (&insn->operands, g_free);
}

/* Direct branches carry their target as the one immediate operand. */
static void
find_target (const cs_insn  *ci,
             HsInstruction  *insn)
{
  const cs_arm64 *arm64;

  if (ci->detail == NULL)
    return;
  insn->is_call = ci->id == ARM64_INS_BL;
  if (ci->id != ARM64_INS_B && ci->id != ARM64_INS_BL && ci->id != ARM64_INS_CBZ
      && ci->id != ARM64_INS_CBNZ && ci->id != ARM64_INS_TBZ && ci->id != ARM64_INS_TBNZ)
    return;
  arm64 = &ci->detail->arm64;
  for (guint8 i = 0; i < arm64->op_count; i++)
    if (arm64->operands[i].type == ARM64_OP_IMM)
      {
        insn->target = (guint64) arm64->operands[i].imm;
        insn->is_branch = TRUE;
      }
}

GArray *
hs_disasm_arm64 (const guint8  *code,
                 gsize          len,
                 guint64        address,
                 GError       **error)
{
  GArray *out = g_array_new (FALSE, TRUE, sizeof (HsInstruction));
  csh handle;
  cs_insn *ci;

  g_array_set_clear_func (out, (GDestroyNotify) hs_instruction_clear);
  if (cs_open (CS_ARCH_ARM64, CS_MODE_LITTLE_ENDIAN, &handle) != CS_ERR_OK)
    {
      g_array_unref (out);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "capstone cannot disassemble AArch64");
      return NULL;
    }
  cs_option (handle, CS_OPT_DETAIL, CS_OPT_ON);
  ci = cs_malloc (handle);

  /* One word at a time: data between functions must not stop the listing. */
  for (gsize off = 0; off + 4 <= len; off += 4)
    {
      HsInstruction insn = { 0 };
      const uint8_t *p = code + off;
      size_t left = 4;
      uint64_t at = address + off;

      insn.address = address + off;
      insn.word = (guint32) code[off] | (guint32) code[off + 1] << 8
                  | (guint32) code[off + 2] << 16 | (guint32) code[off + 3] << 24;
      if (cs_disasm_iter (handle, &p, &left, &at, ci))
        {
          insn.mnemonic = g_strdup (ci->mnemonic);
          insn.operands = g_strdup (ci->op_str);
          find_target (ci, &insn);
        }
      else
        {
          insn.mnemonic = g_strdup (".inst");
          insn.operands = g_strdup_printf ("0x%08x", insn.word);
        }
      g_array_append_val (out, insn);
    }
  cs_free (ci, 1);
  cs_close (&handle);
  return out;
}
