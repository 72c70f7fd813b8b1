/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fuzz-tdesc.c: target descriptions as a stub could send them. The input
 * is split at NUL bytes: the first piece is target.xml, the next ones are
 * what each xi:include fetches in turn (an error once they run out).
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "hs-tdesc.h"

typedef struct
{
  GPtrArray *pieces;            /* of char* */
  guint next;
} Pieces;

static char *
fetch (const char *annex,
       gpointer    user_data,
       GError    **error)
{
  Pieces *p = user_data;

  if (p->next >= p->pieces->len)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT, "no %s", annex);
      return NULL;
    }
  return g_strdup (g_ptr_array_index (p->pieces, p->next++));
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  Pieces p = { g_ptr_array_new_with_free_func (g_free), 1 };
  g_autoptr(HsTdesc) tdesc = NULL;
  g_autoptr(GError) error = NULL;
  gsize start = 0;

  for (gsize i = 0; i <= size; i++)
    if (i == size || data[i] == 0)
      {
        g_ptr_array_add (p.pieces, g_strndup ((const char *) data + start, i - start));
        start = i + 1;
      }
  tdesc = hs_tdesc_parse (g_ptr_array_index (p.pieces, 0), fetch, &p, &error);
  if (tdesc != NULL)
    hs_tdesc_lookup (tdesc, "pc");
  g_ptr_array_unref (p.pieces);
  return 0;
}
