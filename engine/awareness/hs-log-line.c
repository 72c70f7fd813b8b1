/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-log-line.c: a log's lines, split and made showable.
 */
#define G_LOG_DOMAIN "hs-log"

#include "config.h"

#include "hs-log-line.h"

#include <string.h>

void
hs_log_line_clear (gpointer line)
{
  HsLogLine *l = line;

  g_clear_pointer (&l->text, g_free);
}

GArray *
hs_log_lines_new (void)
{
  GArray *lines = g_array_new (FALSE, TRUE, sizeof (HsLogLine));

  g_array_set_clear_func (lines, hs_log_line_clear);
  return lines;
}

GArray *
hs_log_lines_copy (GArray *lines)
{
  GArray *copy = hs_log_lines_new ();

  g_return_val_if_fail (lines != NULL, copy);

  g_array_set_size (copy, lines->len);
  for (guint i = 0; i < lines->len; i++)
    {
      HsLogLine *to = &g_array_index (copy, HsLogLine, i);

      *to = g_array_index (lines, HsLogLine, i);
      to->text = g_strdup (to->text);
    }
  return copy;
}

static void
escape_bytes (GString      *out,
              const guint8 *p,
              gsize         n)
{
  for (gsize i = 0; i < n; i++)
    g_string_append_printf (out, "\\x%02x", p[i]);
}

char *
hs_log_escape (const guint8 *text,
               gsize         len)
{
  GString *out = g_string_sized_new (len + 1);
  gsize i = 0;

  while (i < len)
    {
      guint8 b = text[i];
      gunichar c;
      gsize n;

      if (b < 0x80)
        {
          if ((b < 0x20 && b != '\t') || b == 0x7f)
            escape_bytes (out, &text[i], 1);
          else
            g_string_append_c (out, (char) b);
          i++;
          continue;
        }
      /* A multi-byte character, if the bytes make one (g_utf8_get_char_validated() stops at
       * @len, so a character cut at the end is not one). */
      c = g_utf8_get_char_validated ((const char *) &text[i], (gssize) (len - i));
      if (c == (gunichar) -1 || c == (gunichar) -2)
        {
          escape_bytes (out, &text[i], 1);
          i++;
          continue;
        }
      n = g_unichar_to_utf8 (c, NULL);
      /* C1 controls move a terminal as C0 ones do. */
      if (c >= 0x80 && c <= 0x9f)
        escape_bytes (out, &text[i], n);
      else
        g_string_append_len (out, (const char *) &text[i], (gssize) n);
      i += n;
    }
  return g_string_free (out, FALSE);
}

guint
hs_log_append_text (GArray          *lines,
                    const HsLogLine *proto,
                    const guint8    *text,
                    gsize            len)
{
  gsize start = 0;
  guint part = 0;

  g_return_val_if_fail (lines != NULL && proto != NULL, 0);
  g_return_val_if_fail (text != NULL || len == 0, 0);

  do
    {
      const guint8 *nl = len > start ? memchr (text + start, '\n', len - start) : NULL;
      gsize end = nl ? (gsize) (nl - text) : len;
      gsize stop = end;
      HsLogLine line = *proto;

      /* A guest's console line reaches Xen's ring as "text\r\n" (its UART driver's): the
       * carriage returns before a newline move nothing. */
      while (nl != NULL && stop > start && text[stop - 1] == '\r')
        stop--;
      line.part = part++;
      line.text = hs_log_escape (text + start, stop - start);
      g_array_append_val (lines, line);
      start = end + 1;
    }
  while (start < len);
  return part;
}
