/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-target-locals.c: the parameters and locals of each frame of a stack (Frame.view /Locals).
 *
 * Runs on the target's worker after an unwind. For each frame, the symbol file that covers its
 * pc (a caller's at its return address - 1, as GCC's location ranges expect) gives the scope;
 * each variable's location is evaluated over that frame's registers as the unwinder recovered
 * them (so a caller knows x19..x29, sp, pc, and x0..x18 only where the CFI saved them), its
 * CFA and frame base, and the task's memory through the same reader the unwinder used. An
 * entry value (DW_OP_entry_value of a register) is known when the frame is at its function's
 * entry, or for a callee-saved register, from the caller frame; GCC's call-site parameters
 * (DW_TAG_call_site_parameter) are not followed yet, so most dead arguments of callers show as
 * "entry value unknown" rather than a guess.
 */
#define G_LOG_DOMAIN "hs-target"

#include "config.h"

#include "hs-cexpr.h"
#include "hs-target-private.h"

#include <dwarf.h>
#include <string.h>

#define MAX_VARIABLES     4096   /* over all frames: a Frame.view, not a dump */
#define MAX_VALUE_BYTES   4096   /* bigger variables are shown by address only */

typedef struct _FrameCtx FrameCtx;

struct _FrameCtx
{
  const HsFrame *frame;
  const HsFrame *caller;        /* the next frame up, or NULL */
  gboolean at_entry;            /* frame 0 at its function's first instruction(s) */
  GuestReader *reader;
  HsScope scope;                /* empty (no variables) when no DWARF covers the frame */
  const HsSymbolBinding *binding;
  HsDwarfExprContext expr;      /* evaluates in this frame */
  FrameCtx *caller_ctx;         /* the caller's, for its call site's values */
  guint depth;                  /* entry values being resolved through this frame */
};

#define MAX_ENTRY_DEPTH 4       /* entry value of an entry value of ...: callers up the stack */

static gboolean
frame_register (const HsFrame *frame,
                guint          reg,
                guint64       *value)
{
  if (reg == 31)
    {
      *value = frame->regs.sp;
      return frame->regs.have_sp;
    }
  if (reg > 30 || !frame->regs.x_valid[reg])
    return FALSE;
  *value = frame->regs.x[reg];
  return TRUE;
}

static gboolean
get_register (guint reg, guint64 *value, gpointer user_data)
{
  FrameCtx *c = user_data;

  return frame_register (c->frame, reg, value);
}

static gboolean
read_memory (guint64 address, void *buf, gsize len, gpointer user_data, GError **error)
{
  FrameCtx *c = user_data;

  return hs_target_read_guest (address, buf, len, c->reader, error);
}

/* A register's value at the function's entry: the register itself while nothing has run, or
 * for a callee-saved one, the caller's (AAPCS64: preserved across the call). */
static gboolean
get_entry_value (const guint8 *expr, gsize len, guint64 *value, gpointer user_data)
{
  FrameCtx *c = user_data;
  guint reg;

  if (len == 1 && expr[0] >= DW_OP_reg0 && expr[0] <= DW_OP_reg31)
    reg = expr[0] - DW_OP_reg0;
  else if (len == 2 && expr[0] == DW_OP_regx && expr[1] < 0x80)
    reg = expr[1];
  else
    return FALSE;
  if (c->at_entry)
    return frame_register (c->frame, reg, value);
  if (reg >= 19 && reg <= 28 && c->caller != NULL)
    return frame_register (c->caller, reg, value);
  /* What the caller's call site says the argument register held, in the caller's frame. */
  if (c->caller_ctx != NULL && c->caller_ctx->scope.call_values != NULL
      && c->caller_ctx->depth < MAX_ENTRY_DEPTH)
    {
      FrameCtx *up = c->caller_ctx;

      for (guint i = 0; i < up->scope.call_values->len; i++)
        {
          const HsCallSiteValue *cv = &g_array_index (up->scope.call_values, HsCallSiteValue, i);
          g_auto(HsLocation) loc = { 0 };
          gsize n = 0;
          const guint8 *bytes;
          gboolean ok;

          if (cv->reg != reg)
            continue;
          bytes = g_bytes_get_data (cv->value, &n);
          up->depth++;
          ok = hs_dwarf_expr_evaluate (bytes, n, &up->expr, &loc, NULL);
          up->depth--;
          if (!ok)
            return FALSE;
          if (loc.kind == HS_LOCATION_VALUE)
            {
              *value = loc.value;
              return TRUE;
            }
          if (loc.kind == HS_LOCATION_REGISTER)
            return frame_register (up->frame, loc.reg, value);
          if (loc.kind == HS_LOCATION_MEMORY)
            {
              /* DW_AT_call_value is a DWARF expression whose result is the value itself. */
              *value = loc.address;
              return TRUE;
            }
          return FALSE;
        }
    }
  return FALSE;
}

/* The frame's CFA: from the CFI row and its registers, or the caller's sp when the unwinder
 * found the caller through the CFI (that sp is this frame's CFA). */
static gboolean
frame_cfa (const HsFrame         *frame,
           const HsFrame         *caller,
           const HsSymbolBinding *b,
           guint64                at,
           guint64               *cfa)
{
  HsFrameRule rule;
  guint64 base = 0;

  if (hs_symbol_file_get_frame_rule (b->file, at - b->offset, &rule, NULL)
      && !rule.cfa_is_expression && frame_register (frame, rule.cfa_reg, &base))
    {
      *cfa = base + (guint64) rule.cfa_offset;
      return TRUE;
    }
  if (caller != NULL && caller->method == HS_FRAME_CFI && caller->regs.have_sp)
    {
      *cfa = caller->regs.sp;
      return TRUE;
    }
  return FALSE;
}

static void
take_bytes (HsFrameVariable *v,
            const guint8    *bytes,
            gsize            len)
{
  v->value = g_bytes_new (bytes, len);
}

/* The variable's bytes from its location, or why not. */
static void
read_value (FrameCtx         *c,
            const HsLocation *loc,
            HsFrameVariable  *v)
{
  guint64 size = v->size;

  v->kind = loc->kind;
  switch (loc->kind)
    {
    case HS_LOCATION_MEMORY:
      v->address = loc->address;
      if (size == 0 || size > MAX_VALUE_BYTES)
        {
          v->why = g_strdup_printf ("at 0x%" G_GINT64_MODIFIER "x (%s)", loc->address,
                                    size == 0 ? "size unknown" : "too big to show");
          return;
        }
      {
        g_autofree guint8 *buf = g_malloc (size);
        g_autoptr(GError) error = NULL;

        if (!hs_target_read_guest (loc->address, buf, size, c->reader, &error))
          v->why = g_strdup_printf ("cannot read 0x%" G_GINT64_MODIFIER "x: %s", loc->address,
                                    error != NULL ? error->message : "unknown error");
        else
          take_bytes (v, buf, size);
      }
      return;
    case HS_LOCATION_REGISTER:
    case HS_LOCATION_VALUE:
      {
        guint64 value = loc->value;
        guint8 le[8];

        v->reg = loc->reg;
        if (loc->kind == HS_LOCATION_REGISTER && !frame_register (c->frame, loc->reg, &value))
          {
            g_autofree char *name = hs_dwarf_register_name (loc->reg);

            v->why = g_strdup_printf ("in %s, which is not known in this frame", name);
            return;
          }
        if (size == 0 || size > 8)
          size = 8;
        for (guint i = 0; i < 8; i++)
          le[i] = (guint8) (value >> (8 * i));
        take_bytes (v, le, size);
      }
      return;
    case HS_LOCATION_IMPLICIT:
      {
        gsize len = 0;
        const guint8 *bytes = g_bytes_get_data (loc->implicit, &len);

        take_bytes (v, bytes, size != 0 ? MIN (size, len) : len);
      }
      return;
    case HS_LOCATION_PIECES:
      {
        g_autoptr(GByteArray) all = g_byte_array_new ();

        for (guint i = 0; i < loc->pieces->len; i++)
          {
            const HsLocation *p = &g_array_index (loc->pieces, HsLocation, i);
            HsFrameVariable part = { 0 };

            if (p->bit_size % 8 != 0 || p->bit_offset != 0 || p->bit_size / 8 > MAX_VALUE_BYTES
                || all->len + p->bit_size / 8 > MAX_VALUE_BYTES)
              {
                v->why = g_strdup ("in pieces of bits (not shown yet)");
                return;
              }
            part.size = p->bit_size / 8;
            read_value (c, p, &part);
            if (part.value == NULL)
              {
                v->why = g_strdup_printf ("bytes %u.. %s", all->len,
                                          part.why != NULL ? part.why : "unknown");
                hs_frame_variable_clear (&part);
                return;
              }
            g_byte_array_append (all, g_bytes_get_data (part.value, NULL),
                                 g_bytes_get_size (part.value));
            hs_frame_variable_clear (&part);
          }
        take_bytes (v, all->data, all->len);
      }
      return;
    case HS_LOCATION_OPTIMISED_OUT:
      v->why = g_strdup ("optimised out");
      return;
    case HS_LOCATION_ENTRY_VALUE_UNKNOWN:
      v->why = g_strdup ("entry value unknown");
      return;
    case HS_LOCATION_UNAVAILABLE:
    default:
      v->why = g_strdup (loc->why != NULL ? loc->why : "unknown");
      return;
    }
}

static void
add_note (GArray     *variables,
          guint       frame,
          char       *why)
{
  HsFrameVariable note = { 0 };

  note.frame = frame;
  note.why = why;
  g_array_append_val (variables, note);
}

/* The frame's scope and evaluation context (its CFA and frame base). */
static void
prepare_frame (GPtrArray   *bindings,
               GuestReader *reader,
               GArray      *frames,
               guint        index,
               FrameCtx    *c,
               GArray      *variables)
{
  const HsFrame *frame = &g_array_index (frames, HsFrame, index);
  guint64 at = frame->level > 0 && frame->pc > 0 ? frame->pc - 1 : frame->pc;
  g_autoptr(GError) error = NULL;
  const HsSymbolBinding *b = NULL;

  c->frame = frame;
  c->caller = index + 1 < frames->len ? &g_array_index (frames, HsFrame, index + 1) : NULL;
  c->reader = reader;
  c->expr.get_register = get_register;
  c->expr.read_memory = read_memory;
  c->expr.get_entry_value = get_entry_value;
  c->expr.user_data = c;

  for (guint i = 0; i < bindings->len && b == NULL; i++)
    {
      const HsSymbolBinding *candidate = g_ptr_array_index (bindings, i);

      if (at < candidate->offset)
        continue;
      g_clear_error (&error);
      if (hs_symbol_file_get_scope (candidate->file, at - candidate->offset, &c->scope, &error))
        b = candidate;
      else if (!g_error_matches (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_NOT_FOUND)
               && !g_error_matches (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_NO_DWARF))
        break;
    }
  if (b == NULL)
    {
      /* Assembly, user space, a file without DWARF: nothing to show, and no noise. */
      if (error != NULL && !g_error_matches (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_NOT_FOUND)
          && !g_error_matches (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_NO_DWARF))
        add_note (variables, frame->level, g_strdup (error->message));
      return;
    }

  c->binding = b;
  c->expr.address_offset = b->offset;
  c->at_entry = frame->level == 0 && c->scope.entry_pc != 0
                && frame->pc <= c->scope.entry_pc + b->offset
                && frame->pc + 16 >= c->scope.entry_pc + b->offset;
  c->expr.have_cfa = frame_cfa (frame, c->caller, b, at, &c->expr.cfa);
  if (c->scope.frame_base != NULL)
    {
      g_auto(HsLocation) fb = { 0 };
      gsize len = 0;
      const guint8 *bytes = g_bytes_get_data (c->scope.frame_base, &len);

      if (hs_dwarf_expr_evaluate (bytes, len, &c->expr, &fb, NULL))
        {
          if (fb.kind == HS_LOCATION_MEMORY)
            {
              c->expr.have_frame_base = TRUE;
              c->expr.frame_base = fb.address;
            }
          else if (fb.kind == HS_LOCATION_REGISTER)
            c->expr.have_frame_base = frame_register (frame, fb.reg, &c->expr.frame_base);
        }
    }
}

static gboolean
read_for_text (guint64   address,
               guint8   *buffer,
               gsize     length,
               gpointer  user_data,
               GError  **error)
{
  return hs_target_read_guest (address, buffer, length, user_data, error);
}

/* The value as C prints it, from its type: here on the worker, which may wait for the DWARF
 * (and reads the strings a char * points to), not in the view or the command. */
static void
format_value (FrameCtx        *c,
              HsFrameVariable *v)
{
  gsize len = 0;
  const guint8 *bytes;
  HsCexprContext ctx = {
    .file = c->binding->file,
    .offset = c->binding->offset,
    .read = read_for_text,
    .read_data = c->reader,
    .max_depth = 2,
    .max_elements = 16,
  };

  if (v->value == NULL || v->type_die == 0)
    return;
  bytes = g_bytes_get_data (v->value, &len);
  v->text = hs_cexpr_format_value (&ctx, v->type_die, bytes, len);
}

static void
frame_locals (FrameCtx *c,
              GArray   *variables)
{
  const HsFrame *frame = c->frame;

  if (c->binding == NULL || c->scope.variables == NULL)
    return;
  for (guint i = 0; i < c->scope.variables->len && variables->len < MAX_VARIABLES; i++)
    {
      const HsScopeVariable *sv = &g_array_index (c->scope.variables, HsScopeVariable, i);
      HsFrameVariable v = { 0 };

      v.frame = frame->level;
      v.name = g_strdup (sv->name);
      v.is_parameter = sv->is_parameter;
      v.inlined_in = g_strdup (sv->inlined_in);
      v.file = g_object_ref (c->binding->file);
      v.type_die = sv->type_die;
      v.type_text = g_strdup (sv->type_text);
      v.size = sv->size;
      if (sv->problem != NULL)
        {
          v.kind = HS_LOCATION_UNAVAILABLE;
          v.why = g_strdup (sv->problem);
        }
      else if (sv->const_value)
        {
          guint8 le[8];
          guint64 size = sv->size == 0 || sv->size > 8 ? 8 : sv->size;

          for (guint k = 0; k < 8; k++)
            le[k] = (guint8) (sv->value >> (8 * k));
          v.kind = HS_LOCATION_VALUE;
          take_bytes (&v, le, size);
        }
      else if (!sv->has_location)
        {
          v.kind = HS_LOCATION_OPTIMISED_OUT;
          v.why = g_strdup ("optimised out");
        }
      else
        {
          g_auto(HsLocation) loc = { 0 };
          g_autoptr(GError) eval_error = NULL;
          gsize len = 0;
          const guint8 *bytes = g_bytes_get_data (sv->location, &len);

          if (!hs_dwarf_expr_evaluate (bytes, len, &c->expr, &loc, &eval_error))
            {
              v.kind = HS_LOCATION_UNAVAILABLE;
              v.why = g_strdup (eval_error->message);
            }
          else
            read_value (c, &loc, &v);
        }
      format_value (c, &v);
      g_array_append_val (variables, v);
    }
  if (variables->len >= MAX_VARIABLES)
    add_note (variables, frame->level,
              g_strdup_printf ("(more than %u variables: the rest are left out)", MAX_VARIABLES));
}

void
hs_target_frame_locals (HsTarget     *self,
                        guint         machine,
                        FramesResult *result)
{
  g_autoptr(GPtrArray) bindings = hs_symbol_scope_get_bindings (self->symbols, machine);
  GuestReader reader = { self, machine, FALSE };
  guint n = result->frames->len;
  g_autofree FrameCtx *ctx = g_new0 (FrameCtx, MAX (n, 1));
  g_autoptr(GArray) notes = g_array_new (FALSE, TRUE, sizeof (HsFrameVariable));

  g_array_set_clear_func (notes, (GDestroyNotify) hs_frame_variable_clear);
  result->variables = g_array_new (FALSE, TRUE, sizeof (HsFrameVariable));
  g_array_set_clear_func (result->variables, (GDestroyNotify) hs_frame_variable_clear);

  /* Every frame's scope first: a frame's entry values come from its caller's call site. */
  for (guint i = 0; i < n && !reader.lost; i++)
    prepare_frame (bindings, &reader, result->frames, i, &ctx[i], notes);
  for (guint i = 0; i + 1 < n; i++)
    ctx[i].caller_ctx = &ctx[i + 1];
  for (guint i = 0; i < n && !reader.lost && result->variables->len < MAX_VARIABLES; i++)
    {
      for (guint k = 0; k < notes->len; k++)
        {
          HsFrameVariable *note = &g_array_index (notes, HsFrameVariable, k);

          if (note->frame == ctx[i].frame->level && note->why != NULL)
            {
              HsFrameVariable copy = { .frame = note->frame, .why = g_steal_pointer (&note->why) };

              g_array_append_val (result->variables, copy);
            }
        }
      frame_locals (&ctx[i], result->variables);
    }
  for (guint i = 0; i < n; i++)
    hs_scope_clear (&ctx[i].scope);
}
