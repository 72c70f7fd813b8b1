/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-dwarf-cfi.c: call-frame information for the unwinder.
 *
 * The FDE list of .debug_frame (or else .eh_frame) is read once, on the first
 * request; libdwarf sorts it, so finding the FDE for a pc is a binary search,
 * and the row for the pc comes from running that FDE's instructions. Only the
 * CFA and x29/x30 are reported: that is all an AArch64 frame walk needs.
 */
#define G_LOG_DOMAIN "hs-symbols"

#include "config.h"

#include "hs-symbol-file-private.h"

#include <string.h>

#define AARCH64_FP 29
#define AARCH64_LR 30

struct _HsDwarfCfi
{
  Dwarf_Cie *cies;
  Dwarf_Signed n_cies;
  Dwarf_Fde *fdes;
  Dwarf_Signed n_fdes;
  const char *section;   /* ".debug_frame" or ".eh_frame" */
};

void
_hs_dwarf_cfi_free (HsSymbolFile *self)
{
  HsDwarfCfi *cfi = self->cfi;

  if (cfi == NULL)
    return;
  if (cfi->fdes != NULL || cfi->cies != NULL)
    dwarf_fde_cie_list_dealloc (self->dbg, cfi->cies, cfi->n_cies, cfi->fdes, cfi->n_fdes);
  g_free (cfi);
  self->cfi = NULL;
}

static HsDwarfCfi *
load_cfi (HsSymbolFile  *self,
          GError       **error)
{
  HsDwarfCfi *cfi = g_new0 (HsDwarfCfi, 1);
  Dwarf_Error derr = NULL;
  int res = DW_DLV_NO_ENTRY;

  if (self->has_debug_frame)
    {
      res = dwarf_get_fde_list (self->dbg, &cfi->cies, &cfi->n_cies, &cfi->fdes, &cfi->n_fdes,
                                &derr);
      cfi->section = ".debug_frame";
    }
  if (res == DW_DLV_NO_ENTRY && self->has_eh_frame)
    {
      res = dwarf_get_fde_list_eh (self->dbg, &cfi->cies, &cfi->n_cies, &cfi->fdes,
                                   &cfi->n_fdes, &derr);
      cfi->section = ".eh_frame";
    }
  if (res == DW_DLV_OK)
    return cfi;

  if (res == DW_DLV_ERROR)
    _hs_dwarf_set_error (self, error, derr, "cannot read the call-frame information (%s)",
                         cfi->section);
  else
    g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_NOT_FOUND,
                 "%s has no usable call-frame information: unwind with frame pointers",
                 self->basename);
  g_free (cfi);
  return NULL;
}

static gboolean
reg_rule (HsSymbolFile  *self,
          Dwarf_Fde      fde,
          guint          reg,
          guint64        pc,
          HsRegRule     *out,
          GError       **error)
{
  Dwarf_Error derr = NULL;
  Dwarf_Small value_type = 0;
  Dwarf_Signed offset_relevant = 0, regnum = 0, offset = 0;
  Dwarf_Ptr block = NULL;
  Dwarf_Addr row_pc = 0, next_pc = 0;
  Dwarf_Bool has_more_rows = FALSE;

  if (dwarf_get_fde_info_for_reg3_b (fde, reg, pc, &value_type, &offset_relevant, &regnum,
                                     &offset, &block, &row_pc, &has_more_rows, &next_pc,
                                     &derr) != DW_DLV_OK)
    {
      _hs_dwarf_set_error (self, error, derr, "cannot compute the rule for x%u at 0x%"
                           G_GINT64_MODIFIER "x", reg, pc);
      return FALSE;
    }

  memset (out, 0, sizeof *out);
  if (regnum == DW_FRAME_UNDEFINED_VAL)
    out->kind = HS_REG_RULE_UNDEFINED;
  else if (regnum == DW_FRAME_SAME_VAL)
    out->kind = HS_REG_RULE_SAME_VALUE;
  else if (value_type == DW_EXPR_EXPRESSION || value_type == DW_EXPR_VAL_EXPRESSION)
    out->kind = HS_REG_RULE_EXPRESSION;
  else if (value_type == DW_EXPR_VAL_OFFSET)
    {
      out->kind = HS_REG_RULE_VAL_OFFSET;
      out->offset = offset;
    }
  else if (offset_relevant)
    {
      out->kind = HS_REG_RULE_OFFSET;
      out->offset = offset;
    }
  else
    {
      out->kind = HS_REG_RULE_REGISTER;
      out->reg = regnum;
    }
  return TRUE;
}

gboolean
_hs_dwarf_frame_rule (HsSymbolFile  *self,
                      guint64        pc,
                      HsFrameRule   *out,
                      GError       **error)
{
  Dwarf_Error derr = NULL;
  Dwarf_Fde fde = NULL;
  Dwarf_Cie cie = NULL;
  Dwarf_Addr low = 0, high = 0, row_pc = 0, next_pc = 0;
  Dwarf_Small value_type = 0;
  Dwarf_Signed offset_relevant = 0, regnum = 0, offset = 0;
  Dwarf_Ptr block = NULL;
  Dwarf_Bool has_more_rows = FALSE;
  Dwarf_Unsigned cie_bytes = 0, code_align = 0, instructions_length = 0;
  Dwarf_Signed data_align = 0;
  Dwarf_Small cie_version = 0;
  Dwarf_Half ra_reg = AARCH64_LR, offset_size = 0;
  Dwarf_Ptr instructions = NULL;
  char *augmentation = NULL;
  guint64 at = pc;   /* where the rule is computed */
  int res;

  if (!_hs_dwarf_open (self, error))
    return FALSE;
  if (self->cfi == NULL)
    {
      self->cfi = load_cfi (self, error);
      if (self->cfi == NULL)
        return FALSE;
    }

  res = dwarf_get_fde_at_pc (self->cfi->fdes, pc, &fde, &low, &high, &derr);
  if (res == DW_DLV_NO_ENTRY)
    {
      /* On the ftrace NOPs before a kernel function's FDE: nothing is pushed yet, which is the
       * FDE's first row. */
      guint64 after_nops = _hs_skip_entry_nops (self, pc);

      if (after_nops != pc)
        {
          res = dwarf_get_fde_at_pc (self->cfi->fdes, after_nops, &fde, &low, &high, &derr);
          if (res == DW_DLV_OK && low == after_nops)
            at = after_nops;
          else if (res == DW_DLV_OK)
            res = DW_DLV_NO_ENTRY;
        }
    }
  if (res == DW_DLV_NO_ENTRY)
    {
      g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_NOT_FOUND,
                   "no call-frame information covers 0x%" G_GINT64_MODIFIER "x in %s (%s): "
                   "unwind with frame pointers", pc, self->basename, self->cfi->section);
      return FALSE;
    }
  if (res == DW_DLV_ERROR)
    {
      _hs_dwarf_set_error (self, error, derr, "cannot find the FDE for 0x%" G_GINT64_MODIFIER
                           "x", pc);
      return FALSE;
    }

  if (dwarf_get_fde_info_for_cfa_reg3_b (fde, at, &value_type, &offset_relevant, &regnum,
                                         &offset, &block, &row_pc, &has_more_rows, &next_pc,
                                         &derr) != DW_DLV_OK)
    {
      _hs_dwarf_set_error (self, error, derr, "cannot compute the CFA at 0x%" G_GINT64_MODIFIER
                           "x", pc);
      return FALSE;
    }

  out->pc = pc;
  out->function_start = MIN (low, pc);
  out->function_end = high + 1;   /* libdwarf reports the last byte */
  out->row_address = at != pc ? pc : row_pc;
  out->cfa_is_expression = value_type == DW_EXPR_EXPRESSION
                           || value_type == DW_EXPR_VAL_EXPRESSION;
  out->cfa_reg = out->cfa_is_expression ? 0 : regnum;
  out->cfa_offset = out->cfa_is_expression ? 0 : offset;

  if (dwarf_get_cie_of_fde (fde, &cie, &derr) == DW_DLV_OK
      && dwarf_get_cie_info_b (cie, &cie_bytes, &cie_version, &augmentation, &code_align,
                               &data_align, &ra_reg, &instructions, &instructions_length,
                               &offset_size, &derr) == DW_DLV_OK)
    out->return_address_reg = ra_reg;
  else
    {
      _hs_dwarf_drop_error (self, &derr);
      out->return_address_reg = AARCH64_LR;
    }

  for (guint r = 0; r < G_N_ELEMENTS (out->x); r++)
    if (!reg_rule (self, fde, r, at, &out->x[r], error))
      return FALSE;
  return reg_rule (self, fde, AARCH64_FP, at, &out->fp, error)
         && reg_rule (self, fde, AARCH64_LR, at, &out->lr, error);
}
