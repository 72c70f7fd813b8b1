/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-unwind.c: the AArch64 stack unwinder.
 *
 * One step finds the caller of a frame:
 *
 *  - CFI: the row of the call-frame information in effect at the pc (for callers, at pc - 4,
 *    inside the call) gives CFA = reg + offset and where x29 and x30 were saved. The caller's
 *    pc is the saved x30 (or x30 itself while the row says "same value": a leaf, or a function
 *    before its prologue), its sp the CFA, its x29 the saved x29. When the CFA register is sp
 *    but sp is not known (the frame was found through a frame record), the CFA is recovered
 *    from x29 instead: past the prologue x29 points at the frame record, which the row says
 *    is at CFA + the x29 offset. The same row recovers the callee-saved x19..x28 (from their
 *    save slots, or unchanged where the row does not mention them).
 *  - LR: without CFI, a frame 0 at the first instruction of a function has not pushed
 *    anything yet: the caller's pc is lr.
 *  - FP: otherwise x29 points at the AAPCS64 frame record {caller's x29, return address}.
 *
 * Guest memory is hostile. Each step reads at most 16 bytes, every address is checked against
 * the stack bounds and for wrapping before it is read, the frame records (or save slots) read
 * must be strictly increasing and the CFA never goes down, and the walk ends at max_frames.
 */
#define G_LOG_DOMAIN "hs-unwind"

#include "config.h"

#include "hs-unwind.h"

#include <gio/gio.h>
#include <string.h>

#define REG_FP 29
#define REG_LR 30
#define DWARF_REG_SP 31
#define FP_ALIGN 8       /* as the kernel's own unwinder checks; records are 8-byte pairs */
#define CFA_ALIGN 16     /* the CFA is the caller's sp at the call, always 16-byte aligned */

#define X64 "0x%" G_GINT64_MODIFIER "x"

typedef struct
{
  const HsUnwindSymbols *symbols;
  guint n_symbols;
  gboolean bounded;
  guint64 stack_low;
  guint64 stack_high;
  HsUnwindReadFunc read;
  gpointer user_data;
  guint64 last_record;   /* the highest save slot read so far, 0 before the first */
} Unwinder;

typedef enum
{
  STEP_OK,
  STEP_FALLBACK,         /* CFI cannot do this step: try the frame record */
  STEP_STOP,             /* the stack ends here: @reason says why */
  STEP_ERROR,            /* the read was cancelled: @error is set */
} StepResult;

/* ------------------------------------------------------------------------------------------ */
/* Symbols                                                                                     */

/* The code symbol (function or assembly label, not a data object) that covers @address in one
 * of the files, with its run-time address. */
static gboolean
find_code_symbol (const Unwinder  *u,
                  guint64          address,
                  guint           *index,
                  HsSymbol        *sym,
                  guint64         *sym_address)
{
  for (guint i = 0; i < u->n_symbols; i++)
    {
      const HsUnwindSymbols *s = &u->symbols[i];
      HsSymbol found;

      if (s->file == NULL || address < s->offset
          || !hs_symbol_file_lookup_address (s->file, address - s->offset, &found, NULL)
          || found.kind == HS_SYMBOL_OBJECT)
        continue;
      if (index != NULL)
        *index = i;
      if (sym != NULL)
        *sym = found;
      if (sym_address != NULL)
        *sym_address = found.address + s->offset;
      return TRUE;
    }
  return FALSE;
}

/* Where a frame's code is looked up: a caller's pc is a return address, and the call is the
 * instruction before it (it may be the last of its function, a noreturn call). */
static guint64
lookup_pc (guint   level,
           guint64 pc)
{
  return level > 0 && pc >= 4 ? pc - 4 : pc;
}

static void
describe_frame (const Unwinder *u,
                HsFrame        *frame)
{
  guint64 at = lookup_pc (frame->level, frame->pc);
  guint64 start = 0;
  guint index = 0;
  HsSymbol sym;

  if (!find_code_symbol (u, at, &index, &sym, &start))
    return;
  frame->function = g_strdup (sym.name);
  frame->offset = frame->pc - start;
  if (!hs_symbol_file_address_to_line (u->symbols[index].file, at - u->symbols[index].offset,
                                       &frame->file, &frame->line, NULL))
    {
      g_clear_pointer (&frame->file, g_free);
      frame->line = 0;
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Memory                                                                                      */

/* @base + @offset, or FALSE when that leaves the 64-bit address space. */
static gboolean
add_offset (guint64  base,
            gint64   offset,
            guint64 *out)
{
  if (offset >= 0 ? base > G_MAXUINT64 - (guint64) offset
                  : base < (guint64) 0 - (guint64) offset)
    return FALSE;
  *out = base + (guint64) offset;
  return TRUE;
}

/* Whether [@address, @address + @len) is inside the stack (a CFA, @len 0, may be its top). */
static gboolean
in_stack (const Unwinder *u,
          guint64         address,
          guint64         len)
{
  if (address > G_MAXUINT64 - len)
    return FALSE;
  return !u->bounded
         || (address >= u->stack_low && address <= u->stack_high
             && u->stack_high - address >= len);
}

static char *
outside_stack (const Unwinder *u,
               const char     *what,
               guint64         address)
{
  if (!u->bounded)
    return g_strdup_printf ("%s " X64 " is at the top of the address space", what, address);
  return g_strdup_printf ("%s " X64 " is outside the stack [" X64 ", " X64 ")", what, address,
                          u->stack_low, u->stack_high);
}

/* Reads @len bytes at @va. A cancelled read is an error, any other failure a stop reason. */
static StepResult
read_memory (const Unwinder  *u,
             guint64          va,
             void            *buf,
             gsize            len,
             const char      *what,
             char           **reason,
             GError         **error)
{
  g_autoptr(GError) local_error = NULL;

  if (u->read (va, buf, len, u->user_data, &local_error))
    return STEP_OK;
  if (local_error != NULL && g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return STEP_ERROR;
    }
  *reason = g_strdup_printf ("cannot read %s at " X64 ": %s", what, va,
                             local_error != NULL ? local_error->message : "unknown error");
  return STEP_STOP;
}

static StepResult
read_u64 (const Unwinder  *u,
          guint64          va,
          guint64         *value,
          const char      *what,
          char           **reason,
          GError         **error)
{
  guint64 raw = 0;
  StepResult r = read_memory (u, va, &raw, sizeof raw, what, reason, error);

  *value = GUINT64_FROM_LE (raw);
  return r;
}

/* The save slots about to be read must be above every one read before: a stack that goes
 * round in a circle or back down is corrupt. (A frame record at x29 was checked as an fp.) */
static gboolean
check_progress (Unwinder    *u,
                guint64      slot,
                char       **reason)
{
  if (u->last_record != 0 && slot <= u->last_record)
    {
      *reason = g_strdup_printf ("the registers saved at " X64 " are not above the previous "
                                 "frame's (" X64 ")", slot, u->last_record);
      return FALSE;
    }
  u->last_record = slot;
  return TRUE;
}

/* x29 as a frame pointer: non-zero, aligned, its 16-byte record inside the stack and above
 * the last one read. */
static gboolean
check_fp (const Unwinder  *u,
          guint64          fp,
          char           **reason)
{
  if (fp == 0)
    *reason = g_strdup ("end of the frame chain");
  else if (fp % FP_ALIGN != 0)
    *reason = g_strdup_printf ("fp " X64 " is misaligned", fp);
  else if (!in_stack (u, fp, 16))
    *reason = outside_stack (u, "fp", fp);
  else if (u->last_record != 0 && fp <= u->last_record)
    *reason = g_strdup_printf ("fp " X64 " is not above the previous frame's (" X64 ")", fp,
                               u->last_record);
  else
    return TRUE;
  return FALSE;
}

/* ------------------------------------------------------------------------------------------ */
/* Steps                                                                                       */

static void
set_x (HsUnwindRegs *regs,
       guint         reg,
       guint64       value)
{
  regs->x[reg] = value;
  regs->x_valid[reg] = TRUE;
}

/* The value of DWARF register @reg in @regs, if known. */
static gboolean
get_dwarf_reg (const HsUnwindRegs *regs,
               guint               reg,
               guint64            *value)
{
  if (reg == DWARF_REG_SP)
    {
      *value = regs->sp;
      return regs->have_sp;
    }
  if (reg >= G_N_ELEMENTS (regs->x) || !regs->x_valid[reg])
    return FALSE;
  *value = regs->x[reg];
  return TRUE;
}

typedef enum
{
  SAVED_UNKNOWN,         /* no usable rule (an expression, an unknown register) */
  SAVED_UNDEFINED,       /* the rule says the caller's value is lost */
  SAVED_VALUE,           /* @value is the caller's value */
  SAVED_IN_MEMORY,       /* the caller's value is at @value */
} SavedKind;

static SavedKind
resolve_rule (const HsRegRule    *rule,
              guint               reg,
              const HsUnwindRegs *regs,
              guint64             cfa,
              guint64            *value)
{
  switch (rule->kind)
    {
    case HS_REG_RULE_UNDEFINED:
      return SAVED_UNDEFINED;
    case HS_REG_RULE_SAME_VALUE:
      return get_dwarf_reg (regs, reg, value) ? SAVED_VALUE : SAVED_UNKNOWN;
    case HS_REG_RULE_OFFSET:
      return add_offset (cfa, rule->offset, value) ? SAVED_IN_MEMORY : SAVED_UNKNOWN;
    case HS_REG_RULE_VAL_OFFSET:
      return add_offset (cfa, rule->offset, value) ? SAVED_VALUE : SAVED_UNKNOWN;
    case HS_REG_RULE_REGISTER:
      return get_dwarf_reg (regs, rule->reg, value) ? SAVED_VALUE : SAVED_UNKNOWN;
    case HS_REG_RULE_EXPRESSION:
    default:
      return SAVED_UNKNOWN;
    }
}

/* x0..x28 of the caller, where the row says where they are. "Same value" is believed only for
 * x19..x28: AAPCS64 makes a callee preserve them, so GCC describes every one it touches, while
 * x0..x18 may be clobbered by any call without the CFI saying so. A slot that cannot be read
 * leaves its register unknown; it does not end the walk. */
static StepResult
recover_saved (const Unwinder     *u,
               const HsFrameRule  *rule,
               const HsUnwindRegs *regs,
               guint64             cfa,
               HsUnwindRegs       *caller,
               GError            **error)
{
  for (guint reg = 0; reg < G_N_ELEMENTS (rule->x); reg++)
    {
      guint64 value = 0;
      g_autofree char *ignored = NULL;

      if (rule->x[reg].kind == HS_REG_RULE_SAME_VALUE && reg < 19)
        continue;
      switch (resolve_rule (&rule->x[reg], reg, regs, cfa, &value))
        {
        case SAVED_VALUE:
          set_x (caller, reg, value);
          break;
        case SAVED_IN_MEMORY:
          {
            guint64 saved = 0;
            StepResult r;

            if (!in_stack (u, value, 8))
              break;
            r = read_u64 (u, value, &saved, "a saved register", &ignored, error);
            if (r == STEP_ERROR)
              return r;
            if (r == STEP_OK)
              set_x (caller, reg, saved);
          }
          break;
        case SAVED_UNKNOWN:
        case SAVED_UNDEFINED:
        default:
          break;
        }
    }
  return STEP_OK;
}

static StepResult
step_cfi (Unwinder           *u,
          HsFrame            *cur,
          const HsFrameRule  *rule,
          HsFrame            *next,
          char              **reason,
          GError            **error)
{
  const HsUnwindRegs *regs = &cur->regs;
  guint64 base = 0, cfa = 0, fp_at = 0, lr_at = 0, fp = 0, lr = 0, first_slot;
  gboolean cfa_from_fp = FALSE, sp_from_cfa = FALSE;
  SavedKind fp_kind, lr_kind;
  gboolean has_record;
  StepResult r;

  if (rule->cfa_is_expression || rule->return_address_reg != REG_LR)
    return STEP_FALLBACK;

  /* The CFA, from its register; or, sp unknown in a caller past its prologue, from x29. */
  if (get_dwarf_reg (regs, rule->cfa_reg, &base))
    {
      cfa_from_fp = rule->cfa_reg == REG_FP;
      if (!add_offset (base, rule->cfa_offset, &cfa))
        {
          *reason = g_strdup_printf ("the CFA (x%u " X64 " %+" G_GINT64_MODIFIER "d) wraps",
                                     rule->cfa_reg, base, rule->cfa_offset);
          return STEP_STOP;
        }
    }
  else if (cur->level > 0 && rule->cfa_reg == DWARF_REG_SP && rule->fp.kind == HS_REG_RULE_OFFSET
           && rule->fp.offset != G_MININT64 && regs->x_valid[REG_FP] && regs->x[REG_FP] != 0)
    {
      cfa_from_fp = sp_from_cfa = TRUE;
      if (!add_offset (regs->x[REG_FP], -rule->fp.offset, &cfa))
        return STEP_FALLBACK;
    }
  else
    return STEP_FALLBACK;

  /* x29 is checked as it would be by a frame-record walk when the CFA depends on it, and in a
   * caller whose row has a frame record {x29, x30}: there x29 points at it, and a bad x29
   * means a corrupt record below, even where the CFI does not need x29. */
  has_record = rule->fp.kind == HS_REG_RULE_OFFSET && rule->lr.kind == HS_REG_RULE_OFFSET
               && rule->lr.offset == rule->fp.offset + 8;
  if ((cfa_from_fp || (cur->level > 0 && has_record && regs->x_valid[REG_FP]))
      && !check_fp (u, regs->x[REG_FP], reason))
    return STEP_STOP;

  fp_kind = resolve_rule (&rule->fp, REG_FP, regs, cfa, &fp_at);
  lr_kind = resolve_rule (&rule->lr, REG_LR, regs, cfa, &lr_at);
  if (lr_kind == SAVED_UNDEFINED)
    {
      *reason = g_strdup ("end of the frame chain");
      return STEP_STOP;
    }
  if (lr_kind == SAVED_UNKNOWN)
    return STEP_FALLBACK;
  /* A caller's x30 is its own return address: lr "not saved yet" can only be right in frame
   * 0. Above it, the frame was entered by an exception, not a call (the kernel links the
   * interrupted pc through pt_regs->stackframe), or the stack is corrupt: let the frame record
   * decide, as the kernel's own unwinder does. */
  if (cur->level > 0 && rule->lr.kind == HS_REG_RULE_SAME_VALUE)
    return STEP_FALLBACK;

  if (cfa % CFA_ALIGN != 0)
    {
      *reason = g_strdup_printf ("CFA " X64 " is misaligned", cfa);
      return STEP_STOP;
    }
  if (!in_stack (u, cfa, 0))
    {
      *reason = outside_stack (u, "CFA", cfa);
      return STEP_STOP;
    }
  if (regs->have_sp && (cfa < regs->sp || (cur->level > 0 && cfa == regs->sp)))
    {
      *reason = g_strdup_printf ("CFA " X64 " is not above the previous frame's sp (" X64 ")",
                                 cfa, regs->sp);
      return STEP_STOP;
    }

  /* The save slots: inside the stack, and above the last ones read. */
  first_slot = G_MAXUINT64;
  if (fp_kind == SAVED_IN_MEMORY)
    first_slot = fp_at;
  if (lr_kind == SAVED_IN_MEMORY)
    first_slot = MIN (first_slot, lr_at);
  if (first_slot != G_MAXUINT64)
    {
      if (fp_kind == SAVED_IN_MEMORY && !in_stack (u, fp_at, 8))
        {
          *reason = outside_stack (u, "the saved x29 at", fp_at);
          return STEP_STOP;
        }
      if (lr_kind == SAVED_IN_MEMORY && !in_stack (u, lr_at, 8))
        {
          *reason = outside_stack (u, "the saved x30 at", lr_at);
          return STEP_STOP;
        }
      if (!check_progress (u, first_slot, reason))
        return STEP_STOP;
    }

  if (fp_kind == SAVED_IN_MEMORY && lr_kind == SAVED_IN_MEMORY && lr_at == fp_at + 8)
    {
      /* A frame record {x29, x30}: one read. */
      guint64 record[2];
      gboolean is_record = regs->x_valid[REG_FP] && fp_at == regs->x[REG_FP];

      if ((r = read_memory (u, fp_at, record, sizeof record,
                            is_record ? "the frame record" : "the saved x29 and x30", reason,
                            error)) != STEP_OK)
        return r;
      fp = GUINT64_FROM_LE (record[0]);
      lr = GUINT64_FROM_LE (record[1]);
    }
  else
    {
      if (lr_kind == SAVED_IN_MEMORY
          && (r = read_u64 (u, lr_at, &lr, "the saved x30", reason, error)) != STEP_OK)
        return r;
      if (fp_kind == SAVED_IN_MEMORY
          && (r = read_u64 (u, fp_at, &fp, "the saved x29", reason, error)) != STEP_OK)
        return r;
    }
  if (lr_kind == SAVED_VALUE)
    lr = lr_at;
  if (fp_kind == SAVED_VALUE)
    fp = fp_at;

  /* A CFA found through x29 gives this frame's own sp too (the row says CFA = sp + offset). */
  if (sp_from_cfa && rule->cfa_offset >= 0 && (guint64) rule->cfa_offset <= cfa)
    {
      cur->sp = cur->regs.sp = cfa - (guint64) rule->cfa_offset;
      cur->regs.have_sp = TRUE;
    }

  if ((r = recover_saved (u, rule, regs, cfa, &next->regs, error)) != STEP_OK)
    return r;

  next->method = HS_FRAME_CFI;
  next->pc = next->regs.pc = lr;
  next->regs.have_pc = TRUE;
  set_x (&next->regs, REG_LR, lr);
  next->sp = next->regs.sp = cfa;
  next->regs.have_sp = TRUE;
  if (fp_kind == SAVED_IN_MEMORY || fp_kind == SAVED_VALUE)
    {
      set_x (&next->regs, REG_FP, fp);
      next->fp = fp;
    }
  return STEP_OK;
}

static StepResult
step_fp (Unwinder       *u,
         const HsFrame  *cur,
         HsFrame        *next,
         char          **reason,
         GError        **error)
{
  guint64 record[2], fp;
  StepResult r;

  if (!cur->regs.x_valid[REG_FP])
    {
      *reason = g_strdup_printf ("x29 is unknown in frame %u: cannot follow the frame chain",
                                 cur->level);
      return STEP_STOP;
    }
  fp = cur->regs.x[REG_FP];
  if (!check_fp (u, fp, reason))
    return STEP_STOP;
  u->last_record = fp;
  if ((r = read_memory (u, fp, record, sizeof record, "the frame record", reason, error))
      != STEP_OK)
    return r;

  next->method = HS_FRAME_FP;
  next->pc = next->regs.pc = GUINT64_FROM_LE (record[1]);
  next->regs.have_pc = TRUE;
  set_x (&next->regs, REG_LR, next->pc);
  next->fp = GUINT64_FROM_LE (record[0]);
  set_x (&next->regs, REG_FP, next->fp);
  return STEP_OK;
}

/* Without CFI, a frame 0 at the very start of a function: nothing is pushed, lr is the return
 * address and x29 and sp are still the caller's. */
static gboolean
step_lr (const Unwinder *u,
         const HsFrame  *cur,
         HsFrame        *next)
{
  guint64 start = 0;
  HsSymbol sym;

  if (cur->level != 0 || !cur->regs.x_valid[REG_LR]
      || !find_code_symbol (u, cur->pc, NULL, &sym, &start) || start != cur->pc
      || sym.kind != HS_SYMBOL_FUNCTION)
    return FALSE;

  next->method = HS_FRAME_LR;
  next->pc = next->regs.pc = cur->regs.x[REG_LR];
  next->regs.have_pc = TRUE;
  set_x (&next->regs, REG_LR, next->pc);
  if (cur->regs.x_valid[REG_FP])
    {
      set_x (&next->regs, REG_FP, cur->regs.x[REG_FP]);
      next->fp = cur->regs.x[REG_FP];
    }
  if (cur->regs.have_sp)
    {
      next->sp = next->regs.sp = cur->regs.sp;
      next->regs.have_sp = TRUE;
    }
  /* Nothing has run in the callee: its callee-saved registers are still the caller's. */
  for (guint reg = 19; reg < 29; reg++)
    if (cur->regs.x_valid[reg])
      set_x (&next->regs, reg, cur->regs.x[reg]);
  return TRUE;
}

static StepResult
step (Unwinder       *u,
      HsFrame        *cur,
      HsFrame        *next,
      char          **reason,
      GError        **error)
{
  guint64 at = lookup_pc (cur->level, cur->pc);
  guint index = 0;
  StepResult r;

  memset (next, 0, sizeof *next);
  next->level = cur->level + 1;

  if (cur->regs.x_valid[REG_FP] && cur->regs.x[REG_FP] == 0)
    {
      *reason = g_strdup ("end of the frame chain");
      return STEP_STOP;
    }

  if (find_code_symbol (u, at, &index, NULL, NULL))
    {
      const HsUnwindSymbols *s = &u->symbols[index];
      HsFrameRule rule;

      if (hs_symbol_file_get_frame_rule (s->file, at - s->offset, &rule, NULL))
        {
          /* step_cfi() changes nothing before it decides to fall back. */
          r = step_cfi (u, cur, &rule, next, reason, error);
          if (r != STEP_FALLBACK)
            return r;
        }
    }

  if (step_lr (u, cur, next))
    return STEP_OK;
  return step_fp (u, cur, next, reason, error);
}

/* ------------------------------------------------------------------------------------------ */
/* Public API                                                                                  */

/**
 * hs_unwind:
 * @start: the registers of frame 0; only @have_pc is required
 * @symbols: (array length=n_symbols) (nullable): the symbol files, tried in order
 * @stack_low: the lowest address of the stack, or 0 with @stack_high 0 for no bounds
 * @stack_high: one past its highest address, or 0 for no bounds
 * @read: reads virtual memory
 * @max_frames: the most frames to return (frame 0 included); 0 for
 *   %HS_UNWIND_DEFAULT_MAX_FRAMES
 * @frames: (element-type HsFrame): where the frames are appended, frame 0 first. Give it
 *   hs_frame_clear() as its clear function.
 * @stop_reason: (out) (optional) (transfer full): why the walk ended: "end of the frame
 *   chain", "fp 0x... is not above the previous frame's (0x...)", "cannot read the frame
 *   record at 0x...: ...", "fp 0x... is misaligned", "fp 0x... is outside the stack [...)",
 *   "pc 0x... is outside every symbol file's text", "reached the limit of 64 frames", ...
 *
 * Unwinds the call stack from @start: by the call-frame information of the symbol file that
 * covers each pc where there is some, else by the AArch64 frame-record chain. Stops, returning
 * %TRUE, at a zero fp or pc, a pc outside every symbol file's text (not checked when
 * @n_symbols is 0), a frame record or CFA that does not go up the stack, leaves
 * [@stack_low, @stack_high) or is misaligned, a failed read, or @max_frames. So a walk that
 * changes stacks (from an IRQ stack to the task's) stops at the change when bounds are given,
 * and without them goes on only if the next stack is higher.
 *
 * Each frame has its function, offset and source line when the symbols know them. Blocking:
 * it reads memory and DWARF (the first line query of a large file indexes it).
 *
 * Returns: %FALSE only when @start has no pc or a read was cancelled (%G_IO_ERROR_CANCELLED);
 *   the frames found before a cancellation stay in @frames.
 */
gboolean
hs_unwind (const HsUnwindRegs    *start,
           const HsUnwindSymbols *symbols,
           guint                  n_symbols,
           guint64                stack_low,
           guint64                stack_high,
           HsUnwindReadFunc       read,
           gpointer               user_data,
           guint                  max_frames,
           GArray                *frames,
           char                 **stop_reason,
           GError               **error)
{
  Unwinder u = {
    .symbols = symbols,
    .n_symbols = symbols != NULL ? n_symbols : 0,
    .bounded = stack_high != 0,
    .stack_low = stack_low,
    .stack_high = stack_high,
    .read = read,
    .user_data = user_data,
  };
  g_autofree char *reason = NULL;
  HsFrame frame = { 0 };
  guint n = 0;
  gint64 deadline;

  g_return_val_if_fail (start != NULL, FALSE);
  g_return_val_if_fail (symbols != NULL || n_symbols == 0, FALSE);
  g_return_val_if_fail (stack_high == 0 || stack_low < stack_high, FALSE);
  g_return_val_if_fail (read != NULL, FALSE);
  g_return_val_if_fail (frames != NULL, FALSE);
  g_return_val_if_fail (g_array_get_element_size (frames) == sizeof (HsFrame), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (stop_reason != NULL)
    *stop_reason = NULL;
  if (!start->have_pc)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           "cannot unwind: the pc of frame 0 is not known");
      return FALSE;
    }
  if (max_frames == 0)
    max_frames = HS_UNWIND_DEFAULT_MAX_FRAMES;

  frame.level = 0;
  frame.method = HS_FRAME_LIVE;
  frame.regs = *start;
  frame.pc = start->pc;
  frame.sp = start->have_sp ? start->sp : 0;
  frame.fp = start->x_valid[REG_FP] ? start->x[REG_FP] : 0;
  describe_frame (&u, &frame);
  g_array_append_val (frames, frame);
  n++;

  /* Each read has its own deadline on the probe, not the walk. */
  deadline = g_get_monotonic_time () + (gint64) HS_UNWIND_MAX_SECONDS * G_USEC_PER_SEC;
  while (reason == NULL)
    {
      HsFrame *cur = &g_array_index (frames, HsFrame, frames->len - 1);
      HsFrame next;
      StepResult r;

      if (n >= max_frames)
        {
          reason = g_strdup_printf ("reached the limit of %u frames", max_frames);
          break;
        }
      if (g_get_monotonic_time () > deadline)
        {
          reason = g_strdup_printf ("cut short after %u frames: the unwind took more than %u s",
                                    n, HS_UNWIND_MAX_SECONDS);
          break;
        }

      r = step (&u, cur, &next, &reason, error);
      if (r == STEP_ERROR)
        return FALSE;
      if (r == STEP_STOP)
        break;

      if (next.pc == 0)
        reason = g_strdup ("end of the frame chain");
      else if (u.n_symbols > 0
               && !find_code_symbol (&u, lookup_pc (next.level, next.pc), NULL, NULL, NULL))
        reason = g_strdup_printf ("pc " X64 " is outside every symbol file's text", next.pc);
      else
        {
          describe_frame (&u, &next);
          g_array_append_val (frames, next);
          n++;
        }
    }

  g_debug ("unwound %u frames from pc " X64 ": %s", n, start->pc, reason);
  if (stop_reason != NULL)
    *stop_reason = g_steal_pointer (&reason);
  return TRUE;
}

/**
 * hs_frame_clear:
 *
 * Frees what @frame owns and zeroes it. For g_array_set_clear_func() and g_auto(HsFrame).
 */
void
hs_frame_clear (HsFrame *frame)
{
  g_return_if_fail (frame != NULL);

  g_free (frame->function);
  g_free (frame->file);
  memset (frame, 0, sizeof *frame);
}

/**
 * hs_frame_format:
 * @address_prefix: (nullable): put before the address, e.g. "2:::" for machine 2
 *
 * One line of a backtrace: "#2  0xffff800008b8f1c0 schedule+0x40 (kernel/sched/core.c:6554)";
 * the function and the source part are left out when unknown.
 *
 * Returns: (transfer full): the line, without a newline
 */
char *
hs_frame_format (const HsFrame *frame,
                 const char    *address_prefix)
{
  GString *s;

  g_return_val_if_fail (frame != NULL, NULL);

  s = g_string_new (NULL);
  g_string_append_printf (s, "#%-2u %s0x%016" G_GINT64_MODIFIER "x", frame->level,
                          address_prefix != NULL ? address_prefix : "", frame->pc);
  if (frame->function != NULL)
    g_string_append_printf (s, " %s+0x%" G_GINT64_MODIFIER "x", frame->function,
                            frame->offset);
  if (frame->file != NULL && frame->line > 0)
    g_string_append_printf (s, " (%s:%u)", frame->file, frame->line);
  else if (frame->file != NULL)
    g_string_append_printf (s, " (%s)", frame->file);
  return g_string_free (s, FALSE);
}

/**
 * hs_frame_method_to_string:
 *
 * Returns: "live", "cfi", "fp" or "lr", for a column of the stack view
 */
const char *
hs_frame_method_to_string (HsFrameMethod method)
{
  switch (method)
    {
    case HS_FRAME_LIVE:
      return "live";
    case HS_FRAME_CFI:
      return "cfi";
    case HS_FRAME_FP:
      return "fp";
    case HS_FRAME_LR:
      return "lr";
    default:
      return "unknown";
    }
}
