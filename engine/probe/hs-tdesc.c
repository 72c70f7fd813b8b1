/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "hs-tdesc"

#include "config.h"

#include "hs-tdesc.h"

#include <string.h>

/* A hostile or broken stub must not make us recurse forever through includes. */
#define MAX_INCLUDE_DEPTH 4

typedef struct
{
  HsTdesc *tdesc;
  HsTdescFetchFunc fetch;
  gpointer fetch_data;
  guint next_regnum;
  char *feature;
  int depth;
  guint n_documents;
  gsize n_bytes;
  gboolean in_architecture;
} ParseState;

static gboolean parse_document (ParseState  *st,
                                const char  *xml,
                                const char  *what,
                                GError     **error);

static const char *
attr (const char **names,
      const char **values,
      const char  *key)
{
  for (guint i = 0; names[i]; i++)
    if (strcmp (names[i], key) == 0)
      return values[i];
  return NULL;
}

static gboolean
parse_uint (const char *s,
            guint      *out)
{
  guint64 v;
  char *end;

  /* Digits only: strtoull would also take blanks and a sign ("-4294967295" is 1). */
  if (s == NULL || !g_ascii_isdigit (*s))
    return FALSE;
  v = g_ascii_strtoull (s, &end, 10);
  if (*end != 0 || v > G_MAXUINT)
    return FALSE;
  *out = (guint) v;
  return TRUE;
}

static void
start_element (GMarkupParseContext *context,
               const char          *element,
               const char         **names,
               const char         **values,
               gpointer             user_data,
               GError             **error)
{
  ParseState *st = user_data;

  if (strcmp (element, "architecture") == 0)
    st->in_architecture = TRUE;
  else if (strcmp (element, "feature") == 0)
    {
      g_free (st->feature);
      st->feature = g_strdup (attr (names, values, "name"));
    }
  else if (strcmp (element, "xi:include") == 0)
    {
      const char *href = attr (names, values, "href");
      g_autofree char *text = NULL;

      if (href == NULL)
        {
          g_set_error (error, G_MARKUP_ERROR, G_MARKUP_ERROR_MISSING_ATTRIBUTE,
                       "xi:include without href");
          return;
        }
      if (st->depth >= MAX_INCLUDE_DEPTH)
        {
          g_set_error (error, G_MARKUP_ERROR, G_MARKUP_ERROR_INVALID_CONTENT,
                       "target description includes nest deeper than %d (at %s)",
                       MAX_INCLUDE_DEPTH, href);
          return;
        }
      /* The depth cap alone still lets a few includes per level fan out to millions. */
      if (st->n_documents >= HS_TDESC_MAX_DOCUMENTS)
        {
          g_set_error (error, G_MARKUP_ERROR, G_MARKUP_ERROR_INVALID_CONTENT,
                       "the target description has more than %u documents (at %s)",
                       HS_TDESC_MAX_DOCUMENTS, href);
          return;
        }
      text = st->fetch (href, st->fetch_data, error);
      if (text == NULL)
        return;
      st->depth++;
      parse_document (st, text, href, error);
      st->depth--;
    }
  else if (strcmp (element, "reg") == 0)
    {
      const char *name = attr (names, values, "name");
      const char *regnum = attr (names, values, "regnum");
      HsTdescReg reg = { 0 };

      if (name == NULL || !parse_uint (attr (names, values, "bitsize"), &reg.bitsize))
        {
          g_set_error (error, G_MARKUP_ERROR, G_MARKUP_ERROR_MISSING_ATTRIBUTE,
                       "<reg> needs a name and a numeric bitsize");
          return;
        }
      /* Registers go over the wire, and into buffers, as whole bytes. */
      if (reg.bitsize == 0 || reg.bitsize % 8 != 0 || reg.bitsize > HS_TDESC_MAX_REG_BITS)
        {
          g_set_error (error, G_MARKUP_ERROR, G_MARKUP_ERROR_INVALID_CONTENT,
                       "register %s has %u bits; a register must be a whole number of bytes, "
                       "at most %u bits", name, reg.bitsize, HS_TDESC_MAX_REG_BITS);
          return;
        }
      if (st->tdesc->regs->len >= HS_TDESC_MAX_REGS)
        {
          g_set_error (error, G_MARKUP_ERROR, G_MARKUP_ERROR_INVALID_CONTENT,
                       "the target description has more than %u registers (at %s)",
                       HS_TDESC_MAX_REGS, name);
          return;
        }
      /* Without regnum, a register takes the number after the previous one. */
      if (regnum != NULL)
        {
          if (!parse_uint (regnum, &reg.regnum))
            {
              g_set_error (error, G_MARKUP_ERROR, G_MARKUP_ERROR_INVALID_CONTENT,
                           "register %s has a bad regnum '%s'", name, regnum);
              return;
            }
        }
      else
        reg.regnum = st->next_regnum;
      st->next_regnum = reg.regnum + 1;

      reg.name = g_strdup (name);
      reg.feature = g_strdup (st->feature);
      reg.group = g_strdup (attr (names, values, "group"));
      reg.type = g_strdup (attr (names, values, "type"));
      g_array_append_val (st->tdesc->regs, reg);
    }
}

static void
end_element (GMarkupParseContext *context,
             const char          *element,
             gpointer             user_data,
             GError             **error)
{
  ParseState *st = user_data;

  if (strcmp (element, "architecture") == 0)
    st->in_architecture = FALSE;
}

static void
text (GMarkupParseContext *context,
      const char          *str,
      gsize                len,
      gpointer             user_data,
      GError             **error)
{
  ParseState *st = user_data;

  if (st->in_architecture && st->tdesc->architecture == NULL)
    st->tdesc->architecture = g_strstrip (g_strndup (str, len));
}

static const GMarkupParser parser = { start_element, end_element, text, NULL, NULL };

static gboolean
parse_document (ParseState  *st,
                const char  *xml,
                const char  *what,
                GError     **error)
{
  g_autoptr(GMarkupParseContext) ctx = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *body = xml;

  /* Counted before parsing: the total, not each document, is what a stub can inflate. */
  st->n_documents++;
  st->n_bytes += strlen (xml);
  if (st->n_bytes > HS_TDESC_MAX_BYTES)
    {
      g_set_error (error, G_MARKUP_ERROR, G_MARKUP_ERROR_INVALID_CONTENT,
                   "the target description is larger than %u bytes in all (at %s)",
                   HS_TDESC_MAX_BYTES, what);
      return FALSE;
    }

  /* GMarkup does not take DOCTYPE declarations; skip the prologue up to the root element.
   * A comment ends at "-->", not at the first '>' (it may hold markup-like text). */
  while ((body = strchr (body, '<')) != NULL && (body[1] == '?' || body[1] == '!'))
    {
      const char *end = g_str_has_prefix (body, "<!--") ? strstr (body + 4, "-->")
                                                          : strchr (body, '>');

      if (end == NULL)
        body += strlen (body);
      else
        body = end + (*end == '-' ? 3 : 1);
    }
  if (body == NULL)
    body = "";

  ctx = g_markup_parse_context_new (&parser, 0, st, NULL);
  if (!g_markup_parse_context_parse (ctx, body, -1, &local_error)
      || !g_markup_parse_context_end_parse (ctx, &local_error))
    {
      g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                  "bad target description %s: ", what);
      return FALSE;
    }
  return TRUE;
}

HsTdesc *
hs_tdesc_parse (const char        *xml,
                HsTdescFetchFunc   fetch,
                gpointer           user_data,
                GError           **error)
{
  ParseState st = { 0 };
  g_autoptr(HsTdesc) tdesc = g_new0 (HsTdesc, 1);

  g_return_val_if_fail (xml != NULL, NULL);
  g_return_val_if_fail (fetch != NULL, NULL);

  tdesc->regs = g_array_new (FALSE, TRUE, sizeof (HsTdescReg));
  st.tdesc = tdesc;
  st.fetch = fetch;
  st.fetch_data = user_data;

  if (!parse_document (&st, xml, "target.xml", error))
    {
      g_free (st.feature);
      return NULL;
    }
  g_free (st.feature);

  if (tdesc->regs->len == 0)
    {
      g_set_error (error, G_MARKUP_ERROR, G_MARKUP_ERROR_INVALID_CONTENT,
                   "the target description lists no registers");
      return NULL;
    }
  return g_steal_pointer (&tdesc);
}

void
hs_tdesc_free (HsTdesc *tdesc)
{
  if (tdesc == NULL)
    return;
  for (guint i = 0; i < tdesc->regs->len; i++)
    {
      HsTdescReg *r = &g_array_index (tdesc->regs, HsTdescReg, i);

      g_free (r->name);
      g_free (r->feature);
      g_free (r->group);
      g_free (r->type);
    }
  g_array_unref (tdesc->regs);
  g_free (tdesc->architecture);
  g_free (tdesc);
}

const HsTdescReg *
hs_tdesc_lookup (const HsTdesc *tdesc,
                 const char    *name)
{
  for (guint i = 0; i < tdesc->regs->len; i++)
    {
      const HsTdescReg *r = &g_array_index (tdesc->regs, HsTdescReg, i);

      if (g_ascii_strcasecmp (r->name, name) == 0)
        return r;
    }
  return NULL;
}
