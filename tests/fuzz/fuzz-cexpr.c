/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fuzz-cexpr.c: C expressions (hs-cexpr.c) as a user or a script could type them, over the
 * symbol samples of tests/engine (symbols-sample.c with DWARF 5 and 4, and the hostile ones'
 * impossible types; built here, HS_FUZZ_SAMPLES names them), printed and asked each of
 * hs_cexpr_query()'s questions.
 *
 * Input: which sample (a byte), a flag byte (which memory: every address reads the input's
 * bytes over and over, only the first bytes of each page do, or nothing does; whether the file
 * is loaded at an offset; the prefix; the print depth), the expression's length (16 bits,
 * little-endian), the expression, then the memory's bytes.
 *
 * Whatever they hold, each answer is a value or an error, no evaluation reads more than the
 * evaluator's cap in all, a string longer than HS_CEXPR_MAX_STRING is only ever the printed
 * value, and EXISTS never fails and reads nothing.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include <gio/gio.h>

#include "fuzz-samples.h"
#include "hs-cexpr.h"

#define HEADER 4
#define PAGE 4096u

typedef struct
{
  guint mode;                  /* 0: all of memory repeats @mem; 1: each page's first @size bytes
                                * are @mem, the rest faults; 2: nothing reads */
  const uint8_t *mem;
  size_t size;
  guint reads;
  guint64 bytes;
} Memory;

static gboolean
read_mem (guint64   address,
          guint8   *buffer,
          gsize     length,
          gpointer  user_data,
          GError  **error)
{
  Memory *m = user_data;
  guint64 in_page = address % PAGE;

  g_assert_cmpuint (length, <=, HS_CEXPR_MAX_READ);
  m->reads++;
  m->bytes += length;
  if (m->mode == 2 || m->size == 0 || (m->mode == 1 && (in_page + length > m->size)))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "stage-1 fault at 0x%" G_GINT64_MODIFIER "x (no mapping)", address);
      return FALSE;
    }
  for (gsize i = 0; i < length; i++)
    buffer[i] = m->mode == 1 ? m->mem[in_page + i] : m->mem[(address + i) % m->size];
  return TRUE;
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  GPtrArray *files = fuzz_samples ();
  g_autofree char *expression = NULL;
  g_autofree char *printed = NULL;
  HsCexprContext ctx = { 0 };
  Memory m = { 0 };
  gsize length;

  if (size < HEADER)
    return 0;
  length = MIN ((gsize) (data[2] | data[3] << 8), size - HEADER);
  /* The expression ends at its first NUL, as a C string does. */
  expression = g_strndup ((const char *) data + HEADER, length);
  m.mode = (data[1] & 3) % 3;
  m.mem = data + HEADER + length;
  m.size = size - HEADER - length;

  ctx.file = files->pdata[data[0] % files->len];
  ctx.offset = data[1] & 4 ? G_GUINT64_CONSTANT (0x10000000) : 0;
  ctx.read = read_mem;
  ctx.read_data = &m;
  ctx.prefix = data[1] & 8 ? "1:::" : NULL;
  ctx.max_depth = data[1] >> 4;

  {
    g_autoptr(GError) error = NULL;

    printed = hs_cexpr_print (&ctx, expression, &error);
    g_assert_true ((printed != NULL) != (error != NULL));
    g_assert_cmpuint (m.bytes, <=, HS_CEXPR_MAX_READ);
  }
  for (HsCexprQuery query = HS_CEXPR_VALUE; query <= HS_CEXPR_EXISTS; query++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *text = NULL;
      guint64 number = G_MAXUINT64;
      gboolean ok;

      m.reads = 0;
      m.bytes = 0;
      ok = hs_cexpr_query (&ctx, expression, query, &number, &text, &error);
      g_assert_true (ok != (error != NULL));
      g_assert_cmpuint (m.bytes, <=, HS_CEXPR_MAX_READ);
      if (query == HS_CEXPR_STRING)
        {
          g_assert_cmpuint (number, ==, 0);
          g_assert_true (ok == (text != NULL));
          /* Memory is the same each time, so the fallback prints what print printed. */
          if (ok && strlen (text) > HS_CEXPR_MAX_STRING)
            g_assert_cmpstr (text, ==, printed);
        }
      else
        {
          g_assert_null (text);
          if (!ok)
            g_assert_cmpuint (number, ==, 0);
        }
      if (query == HS_CEXPR_EXISTS)
        {
          g_assert_true (ok);
          g_assert_cmpuint (number, <=, 1);
          g_assert_cmpuint (m.reads, ==, 0);
        }
    }
  return 0;
}
