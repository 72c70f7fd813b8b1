/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-cexpr-print.c: values printed as gdb prints them: structs and arrays to a depth,
 * strings, pointers with the symbol they point at, enums by name, bit-fields.
 */
#define G_LOG_DOMAIN "hs-cexpr"

#include "config.h"

#include "hs-cexpr-private.h"

#include <errno.h>
#include <string.h>

/* ------------------------------------------------------------------------------------------ */
/* Printing                                                                                   */

static gboolean is_string (Eval *ev, const Desc *array);

static void
append_char (GString *out,
             guint8   c,
             char     quote)
{
  switch (c)
    {
    case '\n': g_string_append (out, "\\n"); return;
    case '\t': g_string_append (out, "\\t"); return;
    case '\r': g_string_append (out, "\\r"); return;
    case '\\': g_string_append (out, "\\\\"); return;
    default:
      break;
    }
  if (c == (guint8) quote)
    g_string_append_printf (out, "\\%c", quote);
  else if (c >= 0x20 && c < 0x7f)
    g_string_append_c (out, c);
  else
    g_string_append_printf (out, "\\%03o", c);
}

void
_hs_cexpr_print_pointer (Eval    *ev,
                         GString *out,
                         CType    t,
                         guint64  bits,
                         gboolean top)
{
  HsSymbol sym;
  guint64 offset = 0;

  if (top)
    {
      g_autofree char *spelled = _hs_cexpr_spell (ev, t);

      g_string_append_printf (out, "(%s) ", spelled);
    }
  g_string_append_printf (out, "0x%" G_GINT64_MODIFIER "x", bits);
  if (bits >= ev->ctx->offset
      && hs_symbol_file_lookup_address (ev->ctx->file, bits - ev->ctx->offset, &sym, &offset)
      && (offset == 0 || offset < sym.size))
    {
      if (offset == 0)
        g_string_append_printf (out, " <%s>", sym.name);
      else
        g_string_append_printf (out, " <%s+%" G_GUINT64_FORMAT ">", sym.name, offset);
    }
}

/* What a char * points to, as gdb shows it: 0x... "text". At most STRING_MAX bytes, read a
 * piece at a time that never crosses a page, so that a string ending just before an unmapped
 * page still prints. */
#define STRING_MAX 200
#define STRING_PIECE 64

static void
print_pointed_string (Eval       *ev,
                      GString    *out,
                      const Desc *pointer,
                      guint64     address)
{
  g_autoptr(GString) text = g_string_new (NULL);
  Desc target;
  guint n = 0;

  if (address == 0 || !_hs_cexpr_describe (ev, pointer->target, &target, NULL) || target.kind != K_CHAR)
    return;
  while (n < STRING_MAX)
    {
      guint8 piece[STRING_PIECE];
      guint64 at = address + n;
      gsize len = MIN (STRING_PIECE, 0x1000 - (at & 0xfff));
      gsize i;

      if (at < address || !_hs_cexpr_read_bytes (ev, at, piece, len, NULL))
        {
          if (n == 0)
            {
              g_string_append (out, " <unreadable>");
              return;
            }
          break;
        }
      for (i = 0; i < len && n < STRING_MAX && piece[i] != 0; i++, n++)
        append_char (text, piece[i], '"');
      if (i < len && n < STRING_MAX)
        {
          g_string_append_printf (out, " \"%s\"", text->str);
          return;
        }
    }
  g_string_append_printf (out, " \"%s\"...", text->str);
}

void
_hs_cexpr_print_scalar (Eval         *ev,
                        GString      *out,
                        CType         t,
                        const Desc   *d,
                        guint64       bits,
                        gboolean      top)
{
  switch (d->kind)
    {
    case K_POINTER:
      _hs_cexpr_print_pointer (ev, out, t, bits, top);
      print_pointed_string (ev, out, d, bits);
      break;
    case K_BOOL:
      g_string_append (out, bits == 0 ? "false" : bits == 1 ? "true" : "true (not 1)");
      if (bits > 1)
        g_string_append_printf (out, " (%" G_GUINT64_FORMAT ")", bits);
      break;
    case K_CHAR:
      g_string_append_printf (out, d->is_signed ? "%" G_GINT64_FORMAT " '" : "%" G_GUINT64_FORMAT " '",
                              bits);
      append_char (out, (guint8) bits, '\'');
      g_string_append_c (out, '\'');
      break;
    case K_ENUM:
      {
        g_autoptr(GArray) values = hs_symbol_file_get_enumerators (ev->ctx->file, d->die, NULL);
        const char *name = NULL;

        for (guint i = 0; values != NULL && i < values->len && name == NULL; i++)
          {
            const HsTypeEnumerator *e = &g_array_index (values, HsTypeEnumerator, i);

            if ((guint64) e->value == bits
                || _hs_cexpr_truncate_to ((guint64) e->value, d->size * 8, d->is_signed) == bits)
              name = e->name;
          }
        if (name != NULL)
          g_string_append (out, name);
        else if (d->is_signed)
          g_string_append_printf (out, "%" G_GINT64_FORMAT, (gint64) bits);
        else
          g_string_append_printf (out, "%" G_GUINT64_FORMAT, bits);
      }
      break;
    default:
      if (d->is_signed)
        g_string_append_printf (out, "%" G_GINT64_FORMAT, (gint64) bits);
      else
        g_string_append_printf (out, "%" G_GUINT64_FORMAT, bits);
      break;
    }
}

static gboolean
spend_item (Eval    *ev,
            GString *out)
{
  if (ev->items >= HS_CEXPR_MAX_ITEMS)
    {
      if (ev->items++ == HS_CEXPR_MAX_ITEMS)
        g_string_append (out, "...");
      return FALSE;
    }
  ev->items++;
  return TRUE;
}

static void
print_members (Eval         *ev,
               GString      *out,
               const Desc   *d,
               const guint8 *data,
               gsize         len,
               guint         depth)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) members = hs_symbol_file_get_members (ev->ctx->file, d->die, &error);

  if (members == NULL)
    {
      g_string_append_printf (out, "<%s>", error->message);
      return;
    }
  g_string_append_c (out, '{');
  for (guint i = 0; i < members->len; i++)
    {
      const HsTypeMember *m = &g_array_index (members, HsTypeMember, i);
      Desc md;

      if (i > 0)
        g_string_append (out, ", ");
      if (!spend_item (ev, out))
        break;
      if (m->name != NULL)
        g_string_append_printf (out, "%s = ", m->name);
      if (!_hs_cexpr_describe (ev, _hs_cexpr_ctype (m->type_die), &md, NULL))
        {
          g_string_append (out, "<unreadable type>");
          continue;
        }
      if (m->bit_size > 0)
        {
          gsize n = (m->bit_offset + m->bit_size + 7) / 8;

          if (m->offset > len || n > len - m->offset || n > 9)
            g_string_append (out, "<unavailable>");
          else
            _hs_cexpr_print_scalar (ev, out, _hs_cexpr_ctype (m->type_die), &md,
                          _hs_cexpr_decode (data + m->offset, n, m->bit_offset, m->bit_size, md.is_signed),
                          FALSE);
          continue;
        }
      if (m->offset > len)
        {
          g_string_append (out, "<unavailable>");
          continue;
        }
      _hs_cexpr_print_object (ev, out, _hs_cexpr_ctype (m->type_die), data + m->offset, len - m->offset, depth + 1,
                    FALSE);
    }
  g_string_append_c (out, '}');
}

void
_hs_cexpr_print_array (Eval         *ev,
                       GString      *out,
                       const Desc   *d,
                       const guint8 *data,
                       gsize         len,
                       guint         depth)
{
  Desc element;
  guint64 count = d->count;
  guint64 shown;

  if (!_hs_cexpr_describe (ev, d->target, &element, NULL) || !element.has_size || element.size == 0)
    {
      g_string_append (out, "<array of unknown elements>");
      return;
    }
  if (element.kind == K_CHAR && element.size == 1)
    {
      /* Up to the first NUL, as gdb with "print null-stop on". */
      guint64 n = MIN (count, (guint64) len);
      guint64 limit = MIN (n, (guint64) ev->max_elements * 4);
      guint64 i;

      g_string_append_c (out, '"');
      for (i = 0; i < limit && data[i] != 0; i++)
        append_char (out, data[i], '"');
      g_string_append_c (out, '"');
      if (i == limit && limit < count)
        g_string_append (out, "...");
      ev->items++;
      return;
    }
  g_string_append_c (out, '{');
  shown = MIN (count, (guint64) ev->max_elements);
  for (guint64 i = 0; i < shown; i++)
    {
      guint64 at = i * element.size;

      if (i > 0)
        g_string_append (out, ", ");
      /* Only what printing reaches was read: an element shown as {...} has no bytes here. */
      if (at > len)
        {
          g_string_append (out, "<unavailable>");
          break;
        }
      if (!spend_item (ev, out))
        break;
      _hs_cexpr_print_object (ev, out, d->target, data + at, len - at, depth + 1, FALSE);
    }
  if (count > shown)
    g_string_append (out, shown > 0 ? ", ..." : "...");
  g_string_append_c (out, '}');
}

static gboolean
is_string (Eval       *ev,
           const Desc *array)
{
  Desc element;

  return _hs_cexpr_describe (ev, array->target, &element, NULL) && element.kind == K_CHAR
         && element.size == 1;
}

void
_hs_cexpr_print_object (Eval         *ev,
                        GString      *out,
                        CType         t,
                        const guint8 *data,
                        gsize         len,
                        guint         depth,
                        gboolean      top)
{
  Desc d;

  if (!_hs_cexpr_describe (ev, t, &d, NULL))
    {
      g_string_append (out, "<unreadable type>");
      return;
    }
  switch (d.kind)
    {
    case K_STRUCT:
    case K_UNION:
      if (depth >= ev->max_depth)
        g_string_append (out, "{...}");
      else
        print_members (ev, out, &d, data, len, depth);
      break;
    case K_ARRAY:
      /* A string is one value, not a level of nesting: "comm" shows at any depth. */
      if (depth >= ev->max_depth && !is_string (ev, &d))
        g_string_append (out, "{...}");
      else
        _hs_cexpr_print_array (ev, out, &d, data, len, depth);
      break;
    case K_FLOAT:
      if (len >= d.size && (d.size == 4 || d.size == 8))
        {
          if (d.size == 4)
            {
              gfloat f;

              memcpy (&f, data, 4);
              g_string_append_printf (out, "%g", (double) f);
            }
          else
            {
              gdouble f;

              memcpy (&f, data, 8);
              g_string_append_printf (out, "%g", f);
            }
        }
      else
        g_string_append (out, "<float>");
      break;
    case K_VOID:
    case K_FUNCTION:
      g_string_append (out, "<no value>");
      break;
    default:
      if (len < d.size || d.size == 0 || d.size > 8)
        g_string_append (out, "<unavailable>");
      else
        _hs_cexpr_print_scalar (ev, out, t, &d, _hs_cexpr_decode (data, d.size, 0, 0, d.is_signed), top);
      break;
    }
}

/* How many bytes from the start of an object of type @t printing it shows: the elements of
 * an array up to max_elements (nested arrays and structs likewise), nothing past max_depth.
 * So a 6 GB array prints its first elements instead of being refused. Saturates at
 * G_MAXUINT64; bounded by max_depth and the members of each struct. */
guint64
_hs_cexpr_bytes_printed (Eval  *ev,
                         CType  t,
                         guint  depth)
{
  Desc d, element;

  if (!_hs_cexpr_describe (ev, t, &d, NULL))
    return 0;
  if ((d.kind == K_STRUCT || d.kind == K_UNION || (d.kind == K_ARRAY && !is_string (ev, &d)))
      && depth >= ev->max_depth)
    return 0;
  if (d.kind == K_ARRAY)
    {
      guint64 shown, inner, total;

      if (!_hs_cexpr_describe (ev, d.target, &element, NULL) || !element.has_size || element.size == 0)
        return 0;
      shown = MIN (d.count, (guint64) ev->max_elements * (element.kind == K_CHAR ? 4 : 1));
      if (shown == 0)
        return 0;
      inner = MIN (element.size, _hs_cexpr_bytes_printed (ev, d.target, depth + 1));
      if (!g_uint64_checked_mul (&total, shown - 1, element.size)
          || !g_uint64_checked_add (&total, total, inner))
        return G_MAXUINT64;
      return total;
    }
  if (d.kind == K_STRUCT || d.kind == K_UNION)
    {
      g_autoptr(GArray) members = hs_symbol_file_get_members (ev->ctx->file, d.die, NULL);
      guint64 most = 0;

      for (guint i = 0; members != NULL && i < members->len; i++)
        {
          const HsTypeMember *m = &g_array_index (members, HsTypeMember, i);
          guint64 end, inner;

          inner = m->bit_size > 0 ? (m->bit_offset + m->bit_size + 7) / 8
                                  : _hs_cexpr_bytes_printed (ev, _hs_cexpr_ctype (m->type_die), depth + 1);
          if (!g_uint64_checked_add (&end, m->offset, inner))
            return G_MAXUINT64;
          most = MAX (most, end);
        }
      return d.has_size ? MIN (most, d.size) : most;
    }
  return d.has_size ? d.size : 0;
}
