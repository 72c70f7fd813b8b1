/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-dwarf-expr.c: a DWARF location-expression evaluator and location-list reader.
 *
 * The evaluator is the stack machine of DWARF 5 section 2.5 over 64-bit unsigned values, as
 * GCC emits it for C on AArch64: the typed operations (DW_OP_const_type, DW_OP_convert ...)
 * are accepted and computed in 64 bits, which is right for every base type of 8 bytes or
 * fewer, and what a debugger that prints C integers needs. Things it cannot know are results,
 * not errors: a register the unwinder did not recover, memory that cannot be read, an entry
 * value the caller no longer holds all say so in the location, so a frame still shows its
 * other variables. Only malformed bytes and unimplemented operations are errors.
 */
#define G_LOG_DOMAIN "hs-symbols"

#include "config.h"

#include "hs-dwarf-expr.h"
#include "hs-leb128.h"
#include "hs-symbol-file.h"

#include <dwarf.h>
#include <string.h>

#define X64 "0x%" G_GINT64_MODIFIER "x"

/* GNU extensions, older than the DWARF 5 names dwarf.h may lack. */
#define OP_GNU_push_tls_address 0xe0
#define OP_GNU_uninit           0xf0
#define OP_GNU_implicit_pointer 0xf2
#define OP_GNU_entry_value      0xf3
#define OP_GNU_const_type       0xf4
#define OP_GNU_regval_type      0xf5
#define OP_GNU_deref_type       0xf6
#define OP_GNU_convert          0xf7
#define OP_GNU_reinterpret      0xf9
#define OP_GNU_parameter_ref    0xfa
#define OP_GNU_addr_index       0xfb
#define OP_GNU_const_index      0xfc
#define OP_GNU_variable_value   0xfd

typedef struct
{
  const guint8 *p, *end;
} Reader;

static gboolean
read_u8 (Reader *r, guint64 *out)
{
  if (r->p >= r->end)
    return FALSE;
  *out = *r->p++;
  return TRUE;
}

static gboolean
read_fixed (Reader *r, guint size, guint64 *out)
{
  guint64 v = 0;

  if ((gsize) (r->end - r->p) < size)
    return FALSE;
  for (guint i = 0; i < size; i++)
    v |= (guint64) r->p[i] << (8 * i);
  r->p += size;
  *out = v;
  return TRUE;
}

static gboolean
read_uleb (Reader *r, guint64 *out)
{
  return hs_read_uleb (&r->p, r->end, out);
}

static gboolean
read_sleb (Reader *r, guint64 *out)
{
  gint64 v;

  if (!hs_read_sleb (&r->p, r->end, &v))
    return FALSE;
  *out = (guint64) v;
  return TRUE;
}

static gboolean
skip_bytes (Reader *r, guint64 n)
{
  if ((guint64) (r->end - r->p) < n)
    return FALSE;
  r->p += n;
  return TRUE;
}

char *
hs_dwarf_register_name (guint reg)
{
  if (reg <= 30)
    return g_strdup_printf ("x%u", reg);
  if (reg == 31)
    return g_strdup ("sp");
  return g_strdup_printf ("r%u", reg);
}

void
hs_location_clear (HsLocation *location)
{
  g_return_if_fail (location != NULL);

  g_clear_pointer (&location->implicit, g_bytes_unref);
  if (location->pieces != NULL)
    {
      for (guint i = 0; i < location->pieces->len; i++)
        hs_location_clear (&g_array_index (location->pieces, HsLocation, i));
      g_array_unref (location->pieces);
    }
  g_free (location->why);
  memset (location, 0, sizeof *location);
}

/* ------------------------------------------------------------------------------------------ */
/* The stack machine                                                                           */

typedef struct
{
  const HsDwarfExprContext *ctx;
  guint64 stack[HS_DWARF_EXPR_MAX_STACK];
  guint depth;
  GError **error;
} Machine;

static gboolean
corrupt (GError **error, const char *format, ...) G_GNUC_PRINTF (2, 3);

static gboolean
corrupt (GError **error, const char *format, ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_CORRUPT,
               "malformed DWARF expression: %s", message);
  return FALSE;
}

static gboolean
push (Machine *m, guint64 v)
{
  if (m->depth >= HS_DWARF_EXPR_MAX_STACK)
    return corrupt (m->error, "more than %u values on the stack", HS_DWARF_EXPR_MAX_STACK);
  m->stack[m->depth++] = v;
  return TRUE;
}

static gboolean
need (Machine *m, guint n, guint op)
{
  if (m->depth < n)
    return corrupt (m->error, "operation 0x%02x needs %u values, the stack has %u", op, n,
                    m->depth);
  return TRUE;
}

static void
set_unavailable (HsLocation *out, char *why)
{
  hs_location_clear (out);
  out->kind = HS_LOCATION_UNAVAILABLE;
  out->why = why;
}

/* What one piece (or the whole expression) described: how the ops ended. */
typedef enum
{
  END_MEMORY,            /* top of stack is an address */
  END_REGISTER,
  END_VALUE,
  END_IMPLICIT,
  END_EMPTY,             /* no op at all: optimised out */
  END_STOPPED,           /* *out already says why it cannot be known */
} EndKind;

/* Turns how the ops ended into a location (one piece, or the whole). */
static gboolean
finish (Machine     *m,
        EndKind      end,
        guint        reg,
        GBytes      *implicit,
        HsLocation  *out)
{
  switch (end)
    {
    case END_MEMORY:
      if (m->depth == 0)
        return corrupt (m->error, "a memory location with an empty stack");
      out->kind = HS_LOCATION_MEMORY;
      out->address = m->stack[m->depth - 1];
      return TRUE;
    case END_REGISTER:
      out->kind = HS_LOCATION_REGISTER;
      out->reg = reg;
      return TRUE;
    case END_VALUE:
      if (m->depth == 0)
        return corrupt (m->error, "DW_OP_stack_value with an empty stack");
      out->kind = HS_LOCATION_VALUE;
      out->value = m->stack[m->depth - 1];
      return TRUE;
    case END_IMPLICIT:
      out->kind = HS_LOCATION_IMPLICIT;
      out->implicit = g_bytes_ref (implicit);
      return TRUE;
    case END_EMPTY:
      out->kind = HS_LOCATION_OPTIMISED_OUT;
      return TRUE;
    case END_STOPPED:
    default:
      return TRUE;
    }
}

static gboolean
get_register (Machine *m, guint64 reg, guint64 *value, HsLocation *out)
{
  if (reg <= G_MAXUINT && m->ctx->get_register != NULL
      && m->ctx->get_register ((guint) reg, value, m->ctx->user_data))
    return TRUE;
  {
    g_autofree char *name = hs_dwarf_register_name (reg <= G_MAXUINT ? (guint) reg : G_MAXUINT);

    set_unavailable (out, g_strdup_printf ("%s is not known in this frame", name));
  }
  return FALSE;
}

static gboolean
read_target (Machine *m, guint64 address, guint size, guint64 *value, HsLocation *out)
{
  guint8 buf[8] = { 0 };
  g_autoptr(GError) local_error = NULL;

  g_assert (size >= 1 && size <= 8);
  if (m->ctx->read_memory == NULL)
    {
      set_unavailable (out, g_strdup_printf ("memory at " X64 " cannot be read", address));
      return FALSE;
    }
  if (!m->ctx->read_memory (address, buf, size, m->ctx->user_data, &local_error))
    {
      set_unavailable (out, g_strdup_printf ("cannot read " X64 ": %s", address,
                                             local_error != NULL ? local_error->message
                                                                 : "unknown error"));
      return FALSE;
    }
  *value = 0;
  for (guint i = 0; i < size; i++)
    *value |= (guint64) buf[i] << (8 * i);
  return TRUE;
}

static guint64
sign_extend (guint64 v, guint bytes)
{
  guint bits = 8 * bytes;

  if (bits >= 64)
    return v;
  v &= (G_GUINT64_CONSTANT (1) << bits) - 1;
  if (v & (G_GUINT64_CONSTANT (1) << (bits - 1)))
    v |= ~G_GUINT64_CONSTANT (0) << bits;
  return v;
}

/* Appends one piece to the result. */
static gboolean
add_piece (Machine    *m,
           HsLocation *out,
           HsLocation *piece,
           guint64     bit_size,
           guint64     bit_offset)
{
  if (out->pieces == NULL)
    {
      out->kind = HS_LOCATION_PIECES;
      out->pieces = g_array_new (FALSE, TRUE, sizeof (HsLocation));
    }
  if (out->pieces->len >= HS_DWARF_EXPR_MAX_PIECES)
    return corrupt (m->error, "more than %u pieces", HS_DWARF_EXPR_MAX_PIECES);
  if (bit_size == 0)
    return corrupt (m->error, "a piece of no size");
  piece->bit_size = bit_size;
  piece->bit_offset = bit_offset;
  g_array_append_val (out->pieces, *piece);
  memset (piece, 0, sizeof *piece);
  return TRUE;
}

gboolean
hs_dwarf_expr_evaluate (const guint8             *expr,
                        gsize                     len,
                        const HsDwarfExprContext *ctx,
                        HsLocation               *out,
                        GError                  **error)
{
  Machine m = { .ctx = ctx, .error = error };
  Reader r = { expr, expr + len };
  EndKind end = END_EMPTY;
  guint end_reg = 0;
  g_autoptr(GBytes) implicit = NULL;
  HsLocation piece = { 0 };
  guint n_ops = 0;
  gboolean stopped = FALSE;      /* the current piece cannot be known: skip to its end */

  g_return_val_if_fail (expr != NULL || len == 0, FALSE);
  g_return_val_if_fail (ctx != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  memset (out, 0, sizeof *out);
  if (len == 0)
    {
      out->kind = HS_LOCATION_OPTIMISED_OUT;
      return TRUE;
    }

  while (r.p < r.end)
    {
      const guint8 *op_start = r.p;
      guint64 op = 0, a = 0, b = 0;

      if (++n_ops > HS_DWARF_EXPR_MAX_OPS)
        {
          corrupt (error, "more than %u operations executed (a loop?)", HS_DWARF_EXPR_MAX_OPS);
          goto fail;
        }
      read_u8 (&r, &op);

      /* After a register, an implicit value or DW_OP_stack_value only a piece may come. */
      if (end != END_MEMORY && end != END_EMPTY && !stopped && op != DW_OP_piece
          && op != DW_OP_bit_piece && op != DW_OP_nop)
        {
          corrupt (error, "operation 0x%02x after the end of a location", (guint) op);
          goto fail;
        }

      if (op == DW_OP_piece || op == DW_OP_bit_piece)
        {
          guint64 size = 0, offset = 0;

          if (!read_uleb (&r, &size) || (op == DW_OP_bit_piece && !read_uleb (&r, &offset)))
            goto truncated;
          if (op == DW_OP_piece)
            {
              if (size > G_MAXUINT64 / 8)
                {
                  corrupt (error, "a piece of %" G_GUINT64_FORMAT " bytes", size);
                  goto fail;
                }
              size *= 8;
            }
          if (!stopped && !finish (&m, end, end_reg, implicit, &piece))
            goto fail;
          if (!add_piece (&m, out, &piece, size, offset))
            goto fail;
          m.depth = 0;
          end = END_EMPTY;
          stopped = FALSE;
          g_clear_pointer (&implicit, g_bytes_unref);
          continue;
        }
      if (stopped)
        {
          /* Skip the rest of this piece: operands must still be parsed to find the next. */
          end = END_STOPPED;
        }

      if (op >= DW_OP_lit0 && op <= DW_OP_lit31)
        {
          if (!stopped && !push (&m, op - DW_OP_lit0))
            goto fail;
          end = stopped ? END_STOPPED : END_MEMORY;
          continue;
        }
      if (op >= DW_OP_reg0 && op <= DW_OP_reg31)
        {
          end = stopped ? END_STOPPED : END_REGISTER;
          end_reg = op - DW_OP_reg0;
          continue;
        }
      if (op >= DW_OP_breg0 && op <= DW_OP_breg31)
        {
          guint64 value = 0;

          if (!read_sleb (&r, &a))
            goto truncated;
          if (!stopped)
            {
              if (!get_register (&m, op - DW_OP_breg0, &value, &piece))
                stopped = TRUE;
              else if (!push (&m, value + a))
                goto fail;
            }
          end = stopped ? END_STOPPED : END_MEMORY;
          continue;
        }

      switch (op)
        {
        case DW_OP_addr:
          if (!read_fixed (&r, 8, &a))
            goto truncated;
          if (!stopped && !push (&m, a + ctx->address_offset))
            goto fail;
          break;
        case DW_OP_addrx:
        case OP_GNU_addr_index:
        case DW_OP_constx:
        case OP_GNU_const_index:
          if (!read_uleb (&r, &a))
            goto truncated;
          if (stopped)
            break;
          if (ctx->get_addr == NULL || !ctx->get_addr (a, &b, ctx->user_data))
            {
              set_unavailable (&piece, g_strdup_printf ("entry %" G_GUINT64_FORMAT
                                                        " of .debug_addr is unknown", a));
              stopped = TRUE;
              break;
            }
          if (op == DW_OP_addrx || op == OP_GNU_addr_index)
            b += ctx->address_offset;
          if (!push (&m, b))
            goto fail;
          break;
        case DW_OP_const1u: case DW_OP_const1s:
        case DW_OP_const2u: case DW_OP_const2s:
        case DW_OP_const4u: case DW_OP_const4s:
        case DW_OP_const8u: case DW_OP_const8s:
          {
            guint size = (op == DW_OP_const1u || op == DW_OP_const1s) ? 1
                         : (op == DW_OP_const2u || op == DW_OP_const2s) ? 2
                         : (op == DW_OP_const4u || op == DW_OP_const4s) ? 4 : 8;
            gboolean is_signed = op == DW_OP_const1s || op == DW_OP_const2s
                                 || op == DW_OP_const4s || op == DW_OP_const8s;

            if (!read_fixed (&r, size, &a))
              goto truncated;
            if (!stopped && !push (&m, is_signed ? sign_extend (a, size) : a))
              goto fail;
          }
          break;
        case DW_OP_constu:
          if (!read_uleb (&r, &a))
            goto truncated;
          if (!stopped && !push (&m, a))
            goto fail;
          break;
        case DW_OP_consts:
          if (!read_sleb (&r, &a))
            goto truncated;
          if (!stopped && !push (&m, a))
            goto fail;
          break;
        case DW_OP_regx:
          if (!read_uleb (&r, &a))
            goto truncated;
          if (a > G_MAXUINT)
            {
              corrupt (error, "register %" G_GUINT64_FORMAT, a);
              goto fail;
            }
          end = stopped ? END_STOPPED : END_REGISTER;
          end_reg = (guint) a;
          continue;
        case DW_OP_bregx:
          {
            guint64 value = 0;

            if (!read_uleb (&r, &a) || !read_sleb (&r, &b))
              goto truncated;
            if (!stopped)
              {
                if (!get_register (&m, a, &value, &piece))
                  stopped = TRUE;
                else if (!push (&m, value + b))
                  goto fail;
              }
          }
          break;
        case DW_OP_fbreg:
          if (!read_sleb (&r, &a))
            goto truncated;
          if (stopped)
            break;
          if (!ctx->have_frame_base)
            {
              set_unavailable (&piece, g_strdup ("the frame base is not known"));
              stopped = TRUE;
            }
          else if (!push (&m, ctx->frame_base + a))
            goto fail;
          break;
        case DW_OP_call_frame_cfa:
          if (stopped)
            break;
          if (!ctx->have_cfa)
            {
              set_unavailable (&piece, g_strdup ("the CFA of this frame is not known"));
              stopped = TRUE;
            }
          else if (!push (&m, ctx->cfa))
            goto fail;
          break;
        case DW_OP_dup:
          if (!stopped)
            {
              if (!need (&m, 1, op) || m.depth < 1)
                goto fail;
              a = m.stack[m.depth - 1];
              if (!push (&m, a))
                goto fail;
            }
          break;
        case DW_OP_drop:
          if (!stopped)
            {
              if (!need (&m, 1, op))
                goto fail;
              m.depth--;
            }
          break;
        case DW_OP_over:
          if (!stopped)
            {
              if (!need (&m, 2, op) || m.depth < 2)
                goto fail;
              a = m.stack[m.depth - 2];
              if (!push (&m, a))
                goto fail;
            }
          break;
        case DW_OP_pick:
          if (!read_fixed (&r, 1, &a))
            goto truncated;
          if (!stopped)
            {
              if (!need (&m, (guint) a + 1, op) || m.depth < a + 1)
                goto fail;
              b = m.stack[m.depth - 1 - a];
              if (!push (&m, b))
                goto fail;
            }
          break;
        case DW_OP_swap:
          if (!stopped)
            {
              if (!need (&m, 2, op))
                goto fail;
              a = m.stack[m.depth - 1];
              m.stack[m.depth - 1] = m.stack[m.depth - 2];
              m.stack[m.depth - 2] = a;
            }
          break;
        case DW_OP_rot:
          if (!stopped)
            {
              if (!need (&m, 3, op))
                goto fail;
              a = m.stack[m.depth - 1];
              m.stack[m.depth - 1] = m.stack[m.depth - 2];
              m.stack[m.depth - 2] = m.stack[m.depth - 3];
              m.stack[m.depth - 3] = a;
            }
          break;
        case DW_OP_deref:
        case DW_OP_deref_size:
        case DW_OP_deref_type:
        case OP_GNU_deref_type:
          {
            guint64 size = 8, value = 0;

            if (op != DW_OP_deref && !read_fixed (&r, 1, &size))
              goto truncated;
            if ((op == DW_OP_deref_type || op == OP_GNU_deref_type) && !read_uleb (&r, &b))
              goto truncated;
            if (stopped)
              break;
            if (size < 1 || size > 8)
              {
                g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_UNSUPPORTED,
                             "DW_OP_deref of %" G_GUINT64_FORMAT " bytes", size);
                goto fail;
              }
            if (!need (&m, 1, op))
              goto fail;
            if (!read_target (&m, m.stack[m.depth - 1], size, &value, &piece))
              stopped = TRUE;
            else
              m.stack[m.depth - 1] = value;
          }
          break;
        case DW_OP_abs: case DW_OP_neg: case DW_OP_not:
          if (!stopped)
            {
              gint64 v;

              if (!need (&m, 1, op))
                goto fail;
              v = (gint64) m.stack[m.depth - 1];
              if (op == DW_OP_abs)
                m.stack[m.depth - 1] = v < 0 ? (guint64) 0 - (guint64) v : (guint64) v;
              else if (op == DW_OP_neg)
                m.stack[m.depth - 1] = (guint64) 0 - (guint64) v;
              else
                m.stack[m.depth - 1] = ~(guint64) v;
            }
          break;
        case DW_OP_plus_uconst:
          if (!read_uleb (&r, &a))
            goto truncated;
          if (!stopped)
            {
              if (!need (&m, 1, op))
                goto fail;
              m.stack[m.depth - 1] += a;
            }
          break;
        case DW_OP_and: case DW_OP_div: case DW_OP_minus: case DW_OP_mod: case DW_OP_mul:
        case DW_OP_or: case DW_OP_plus: case DW_OP_shl: case DW_OP_shr: case DW_OP_shra:
        case DW_OP_xor: case DW_OP_eq: case DW_OP_ge: case DW_OP_gt: case DW_OP_le:
        case DW_OP_lt: case DW_OP_ne:
          if (!stopped)
            {
              guint64 x, y, v = 0;

              if (!need (&m, 2, op))
                goto fail;
              y = m.stack[--m.depth];
              x = m.stack[m.depth - 1];
              switch (op)
                {
                case DW_OP_and: v = x & y; break;
                case DW_OP_or: v = x | y; break;
                case DW_OP_xor: v = x ^ y; break;
                case DW_OP_plus: v = x + y; break;
                case DW_OP_minus: v = x - y; break;
                case DW_OP_mul: v = x * y; break;
                case DW_OP_div:
                  if (y == 0 || ((gint64) x == G_MININT64 && (gint64) y == -1))
                    {
                      set_unavailable (&piece, g_strdup ("the expression divides by zero"));
                      stopped = TRUE;
                      break;
                    }
                  v = (guint64) ((gint64) x / (gint64) y);
                  break;
                case DW_OP_mod:
                  if (y == 0)
                    {
                      set_unavailable (&piece, g_strdup ("the expression divides by zero"));
                      stopped = TRUE;
                      break;
                    }
                  v = x % y;
                  break;
                case DW_OP_shl: v = y >= 64 ? 0 : x << y; break;
                case DW_OP_shr: v = y >= 64 ? 0 : x >> y; break;
                case DW_OP_shra:
                  v = (guint64) ((gint64) x >> (y >= 64 ? 63 : y));
                  break;
                case DW_OP_eq: v = x == y; break;
                case DW_OP_ne: v = x != y; break;
                case DW_OP_ge: v = (gint64) x >= (gint64) y; break;
                case DW_OP_gt: v = (gint64) x > (gint64) y; break;
                case DW_OP_le: v = (gint64) x <= (gint64) y; break;
                case DW_OP_lt: v = (gint64) x < (gint64) y; break;
                default: g_assert_not_reached ();
                }
              m.stack[m.depth - 1] = v;
            }
          break;
        case DW_OP_skip:
        case DW_OP_bra:
          {
            gint16 delta;
            gboolean take = TRUE;

            if (!read_fixed (&r, 2, &a))
              goto truncated;
            delta = (gint16) (guint16) a;
            if (op == DW_OP_bra)
              {
                if (stopped)
                  break;          /* which way is unknowable: the piece is lost anyway */
                if (!need (&m, 1, op))
                  goto fail;
                take = m.stack[--m.depth] != 0;
              }
            if (take)
              {
                gssize target = (r.p - expr) + delta;

                if (target < 0 || (gsize) target > len)
                  {
                    corrupt (error, "a branch to %" G_GSSIZE_FORMAT " outside the %"
                             G_GSIZE_FORMAT " bytes", target, len);
                    goto fail;
                  }
                r.p = expr + target;
              }
          }
          break;
        case DW_OP_nop:
          continue;
        case DW_OP_stack_value:
          end = stopped ? END_STOPPED : END_VALUE;
          continue;
        case DW_OP_implicit_value:
          if (!read_uleb (&r, &a))
            goto truncated;
          if ((guint64) (r.end - r.p) < a)
            goto truncated;
          if (!stopped)
            {
              g_clear_pointer (&implicit, g_bytes_unref);
              implicit = g_bytes_new (r.p, a);
            }
          r.p += a;
          end = stopped ? END_STOPPED : END_IMPLICIT;
          continue;
        case DW_OP_entry_value:
        case OP_GNU_entry_value:
          {
            const guint8 *sub;
            guint64 value = 0;

            if (!read_uleb (&r, &a))
              goto truncated;
            sub = r.p;
            if (!skip_bytes (&r, a))
              goto truncated;
            if (stopped)
              break;
            if (ctx->get_entry_value == NULL
                || !ctx->get_entry_value (sub, a, &value, ctx->user_data))
              {
                hs_location_clear (&piece);
                piece.kind = HS_LOCATION_ENTRY_VALUE_UNKNOWN;
                stopped = TRUE;
              }
            else if (!push (&m, value))
              goto fail;
          }
          break;
        case DW_OP_const_type:
        case OP_GNU_const_type:
          if (!read_uleb (&r, &a) || !read_fixed (&r, 1, &b))
            goto truncated;
          {
            guint64 value = 0;
            const guint8 *bytes = r.p;

            if (!skip_bytes (&r, b))
              goto truncated;
            if (stopped)
              break;
            if (b > 8)
              {
                set_unavailable (&piece, g_strdup_printf ("a constant of %" G_GUINT64_FORMAT
                                                          " bytes", b));
                stopped = TRUE;
                break;
              }
            for (guint i = 0; i < b; i++)
              value |= (guint64) bytes[i] << (8 * i);
            if (!push (&m, value))
              goto fail;
          }
          break;
        case DW_OP_regval_type:
        case OP_GNU_regval_type:
          {
            guint64 value = 0;

            if (!read_uleb (&r, &a) || !read_uleb (&r, &b))
              goto truncated;
            if (stopped)
              break;
            if (!get_register (&m, a, &value, &piece))
              stopped = TRUE;
            else if (!push (&m, value))
              goto fail;
          }
          break;
        case DW_OP_convert:
        case OP_GNU_convert:
        case DW_OP_reinterpret:
        case OP_GNU_reinterpret:
          /* Base types of up to 8 bytes: the 64-bit value stands for all of them. */
          if (!read_uleb (&r, &a))
            goto truncated;
          if (!stopped && !need (&m, 1, op))
            goto fail;
          break;
        case DW_OP_implicit_pointer:
        case OP_GNU_implicit_pointer:
          if (!skip_bytes (&r, 4) || !read_sleb (&r, &a))
            goto truncated;
          if (!stopped)
            {
              set_unavailable (&piece, g_strdup ("a pointer the compiler optimised away "
                                                 "(DW_OP_implicit_pointer)"));
              stopped = TRUE;
            }
          break;
        case OP_GNU_parameter_ref:
          if (!skip_bytes (&r, 4))
            goto truncated;
          if (!stopped)
            {
              hs_location_clear (&piece);
              piece.kind = HS_LOCATION_ENTRY_VALUE_UNKNOWN;
              stopped = TRUE;
            }
          break;
        case OP_GNU_uninit:
          break;
        case DW_OP_form_tls_address:
        case OP_GNU_push_tls_address:
        case DW_OP_push_object_address:
        case OP_GNU_variable_value:
        case DW_OP_call2:
        case DW_OP_call4:
        case DW_OP_call_ref:
        case DW_OP_xderef:
        case DW_OP_xderef_size:
        default:
          g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_UNSUPPORTED,
                       "DWARF expression operation 0x%02x (at byte %" G_GSIZE_FORMAT
                       ") is not supported", (guint) op, (gsize) (op_start - expr));
          goto fail;
        }
      if (!stopped)
        end = END_MEMORY;
      else
        end = END_STOPPED;
    }

  if (out->pieces != NULL)
    {
      /* A trailing location without DW_OP_piece after pieces is malformed; ignore it as GDB
       * does only when nothing follows the last piece. */
      if (end != END_EMPTY)
        {
          corrupt (error, "a location after the last piece");
          goto fail;
        }
      hs_location_clear (&piece);
      return TRUE;
    }
  if (stopped)
    {
      *out = piece;
      return TRUE;
    }
  if (!finish (&m, end, end_reg, implicit, out))
    goto fail;
  return TRUE;

truncated:
  corrupt (error, "it ends inside an operation (%" G_GSIZE_FORMAT " bytes)", len);
fail:
  hs_location_clear (&piece);
  hs_location_clear (out);
  return FALSE;
}

/* ------------------------------------------------------------------------------------------ */
/* Location lists                                                                              */

static gboolean
loclist_corrupt (GError **error, guint64 offset, const char *what)
{
  g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_CORRUPT,
               "malformed location list at " X64 ": %s", offset, what);
  return FALSE;
}

gboolean
hs_dwarf_loclist_find (const guint8  *section,
                       gsize          size,
                       guint64        offset,
                       guint          version,
                       guint          address_size,
                       guint64        cu_base,
                       gboolean     (*get_addr) (guint64 index, guint64 *value, gpointer data),
                       gpointer       user_data,
                       guint64        pc,
                       const guint8 **expr,
                       gsize         *expr_len,
                       GError       **error)
{
  Reader r;
  guint64 base = cu_base;
  const guint8 *default_expr = NULL;
  gsize default_len = 0;
  guint64 max_address = address_size == 4 ? G_MAXUINT32 : G_MAXUINT64;

  g_return_val_if_fail (section != NULL || size == 0, FALSE);
  g_return_val_if_fail (address_size == 4 || address_size == 8, FALSE);
  g_return_val_if_fail (expr != NULL && expr_len != NULL, FALSE);

  *expr = NULL;
  *expr_len = 0;
  if (offset >= size)
    return loclist_corrupt (error, offset, "the offset is outside the section");
  r.p = section + offset;
  r.end = section + size;

  for (guint n = 0; n < HS_DWARF_LOCLIST_MAX_ENTRIES; n++)
    {
      guint64 start = 0, end = 0, length = 0, kind = 0;
      gboolean has_range = TRUE;
      gboolean is_default = FALSE;

      if (version < 5)
        {
          /* .debug_loc: {start, end} relative to the base, then a 2-byte length. */
          if (!read_fixed (&r, address_size, &start) || !read_fixed (&r, address_size, &end))
            return loclist_corrupt (error, offset, "it runs off .debug_loc");
          if (start == 0 && end == 0)
            return TRUE;
          if (start == max_address)
            {
              base = end;
              continue;
            }
          if (!read_fixed (&r, 2, &length))
            return loclist_corrupt (error, offset, "it runs off .debug_loc");
          start += base;
          end += base;
        }
      else
        {
          guint64 x = 0, y = 0;

          if (!read_u8 (&r, &kind))
            return loclist_corrupt (error, offset, "it runs off .debug_loclists");
          switch (kind)
            {
            case DW_LLE_end_of_list:
              goto done;
            case DW_LLE_base_addressx:
              if (!read_uleb (&r, &x))
                return loclist_corrupt (error, offset, "truncated DW_LLE_base_addressx");
              if (get_addr == NULL || !get_addr (x, &base, user_data))
                return loclist_corrupt (error, offset, "DW_LLE_base_addressx without "
                                        ".debug_addr");
              continue;
            case DW_LLE_base_address:
              if (!read_fixed (&r, address_size, &base))
                return loclist_corrupt (error, offset, "truncated DW_LLE_base_address");
              continue;
            case DW_LLE_startx_endx:
            case DW_LLE_startx_length:
              if (!read_uleb (&r, &x) || !read_uleb (&r, &y))
                return loclist_corrupt (error, offset, "truncated entry");
              if (get_addr == NULL || !get_addr (x, &start, user_data)
                  || (kind == DW_LLE_startx_endx && !get_addr (y, &end, user_data)))
                return loclist_corrupt (error, offset, "an address index without "
                                        ".debug_addr");
              if (kind == DW_LLE_startx_length)
                end = start + y;
              break;
            case DW_LLE_offset_pair:
              if (!read_uleb (&r, &x) || !read_uleb (&r, &y))
                return loclist_corrupt (error, offset, "truncated DW_LLE_offset_pair");
              start = base + x;
              end = base + y;
              break;
            case DW_LLE_default_location:
              has_range = FALSE;
              is_default = TRUE;
              break;
            case DW_LLE_start_end:
              if (!read_fixed (&r, address_size, &start) || !read_fixed (&r, address_size, &end))
                return loclist_corrupt (error, offset, "truncated DW_LLE_start_end");
              break;
            case DW_LLE_start_length:
              if (!read_fixed (&r, address_size, &start) || !read_uleb (&r, &y))
                return loclist_corrupt (error, offset, "truncated DW_LLE_start_length");
              end = start + y;
              break;
            default:
              {
                g_autofree char *what = g_strdup_printf ("unknown entry kind 0x%02x",
                                                         (guint) kind);

                return loclist_corrupt (error, offset, what);
              }
            }
          if (!read_uleb (&r, &length))
            return loclist_corrupt (error, offset, "truncated expression length");
        }

      if ((guint64) (r.end - r.p) < length)
        return loclist_corrupt (error, offset, "an expression runs off the section");
      if (has_range && pc >= start && pc < end)
        {
          *expr = r.p;
          *expr_len = length;
          return TRUE;
        }
      if (is_default)
        {
          default_expr = r.p;
          default_len = length;
        }
      r.p += length;
    }
  return loclist_corrupt (error, offset, "more entries than any list has");

done:
  *expr = default_expr;
  *expr_len = default_len;
  return TRUE;
}
