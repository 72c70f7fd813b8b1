/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "hs-command"

#include "config.h"

#include "hs-command.h"

#include <string.h>

G_DEFINE_QUARK (hs-command-error-quark, hs_command_error)

/* Long lines are user input, not data: a bound keeps a pasted blob from becoming work. */
#define MAX_LINE   65536
#define MAX_DEPTH  64

void
hs_token_free (HsToken *token)
{
  if (token == NULL)
    return;
  g_free (token->text);
  g_free (token);
}

gboolean
hs_command_is_comment_start (const char *p,
                             const char *line)
{
  gboolean at_word_start = (p == line || g_ascii_isspace (p[-1]) || p[-1] == ',');

  return at_word_start && (p[0] == ';' || (p[0] == '/' && p[1] == '/'));
}

/*
 * Splits at blanks and commas, except inside "strings" and (parentheses),
 * so that expressions like STATE.RUN() or "a, b" stay whole. A token never
 * starts with a comma; empty arguments ("a,,b") are not kept.
 */
GPtrArray *
hs_command_tokenize (const char  *line,
                     GError     **error)
{
  g_autoptr(GPtrArray) tokens = g_ptr_array_new_with_free_func ((GDestroyNotify) hs_token_free);
  const char *p = line;

  g_return_val_if_fail (line != NULL, NULL);

  if (strlen (line) > MAX_LINE)
    {
      g_set_error (error, HS_COMMAND_ERROR, HS_COMMAND_ERROR_SYNTAX,
                   "the line is longer than %d characters", MAX_LINE);
      return NULL;
    }

  while (*p)
    {
      const char *start;
      const char *open = NULL;   /* the outermost '(' not yet closed */
      int depth = 0;
      gboolean in_string = FALSE;
      HsToken *tok;

      while (*p && (g_ascii_isspace (*p) || *p == ','))
        p++;
      if (*p == 0 || hs_command_is_comment_start (p, line))
        break;

      start = p;
      while (*p)
        {
          if (in_string)
            {
              if (*p == '\\' && p[1])
                p++;
              else if (*p == '"')
                in_string = FALSE;
            }
          else if (*p == '"')
            in_string = TRUE;
          else if (*p == '(')
            {
              if (depth == 0)
                open = p;
              if (++depth > MAX_DEPTH)
                {
                  g_set_error (error, HS_COMMAND_ERROR, HS_COMMAND_ERROR_SYNTAX,
                               "parentheses nest deeper than %d (column %zu)", MAX_DEPTH,
                               (gsize) (p - line) + 1);
                  return NULL;
                }
            }
          else if (*p == ')')
            {
              if (depth == 0)
                {
                  g_set_error (error, HS_COMMAND_ERROR, HS_COMMAND_ERROR_SYNTAX,
                               "unmatched ')' at column %zu", (gsize) (p - line) + 1);
                  return NULL;
                }
              depth--;
            }
          else if (depth == 0 && (g_ascii_isspace (*p) || *p == ','))
            break;
          p++;
        }
      if (in_string)
        {
          g_set_error (error, HS_COMMAND_ERROR, HS_COMMAND_ERROR_SYNTAX,
                       "unterminated string starting at column %zu", (gsize) (start - line) + 1);
          return NULL;
        }
      if (depth > 0)
        {
          g_set_error (error, HS_COMMAND_ERROR, HS_COMMAND_ERROR_SYNTAX,
                       "missing ')' for the '(' at column %zu in '%.*s'",
                       (gsize) (open - line) + 1, (int) (p - start), start);
          return NULL;
        }
      tok = g_new0 (HsToken, 1);
      tok->text = g_strndup (start, p - start);
      tok->offset = start - line;
      g_ptr_array_add (tokens, tok);
    }
  return g_steal_pointer (&tokens);
}

/* One dotted part: "view" vs "v", "sYmbol" vs "y", "Register" vs "reg". */
static gboolean
part_matches (const char *spec,
              gsize       spec_len,
              const char *typed,
              gsize       typed_len)
{
  gsize last_cap = 0;
  gboolean has_cap = FALSE;
  GString *caps = g_string_new (NULL);
  gboolean ok;

  if (typed_len == 0 || typed_len > spec_len)
    {
      g_string_free (caps, TRUE);
      return FALSE;
    }
  for (gsize i = 0; i < spec_len; i++)
    if (g_ascii_isupper (spec[i]))
      {
        g_string_append_c (caps, spec[i]);
        last_cap = i;
        has_cap = TRUE;
      }

  /* The capitals alone ("y" for sYmbol)... */
  ok = has_cap && typed_len == caps->len && g_ascii_strncasecmp (typed, caps->str, typed_len) == 0;
  /* ...or a prefix of the full word that reaches its last capital ("sym", "reg"). */
  if (!ok && g_ascii_strncasecmp (spec, typed, typed_len) == 0)
    ok = !has_cap || typed_len > last_cap;
  g_string_free (caps, TRUE);
  return ok;
}

gboolean
hs_command_name_matches (const char *spec,
                         const char *typed)
{
  g_return_val_if_fail (spec != NULL && typed != NULL, FALSE);

  for (;;)
    {
      const char *sd = strchr (spec, '.');
      const char *td = strchr (typed, '.');
      gsize sl = sd ? (gsize) (sd - spec) : strlen (spec);
      gsize tl = td ? (gsize) (td - typed) : strlen (typed);

      if (!part_matches (spec, sl, typed, tl))
        return FALSE;
      if ((sd == NULL) != (td == NULL))
        return FALSE;
      if (sd == NULL)
        return TRUE;
      spec = sd + 1;
      typed = td + 1;
    }
}

char *
hs_command_name_abbreviation (const char *spec)
{
  GString *out = g_string_new (NULL);
  g_auto(GStrv) parts = g_strsplit (spec, ".", -1);

  for (guint i = 0; parts[i]; i++)
    {
      gboolean any = FALSE;

      if (i > 0)
        g_string_append_c (out, '.');
      for (const char *c = parts[i]; *c; c++)
        if (g_ascii_isupper (*c))
          {
            g_string_append_c (out, *c);
            any = TRUE;
          }
      if (!any && parts[i][0])
        g_string_append_c (out, parts[i][0]);
    }
  return g_string_free (out, FALSE);
}

char *
hs_command_unquote (const char *text)
{
  gsize len = strlen (text);

  if (len >= 2 && text[0] == '"' && text[len - 1] == '"')
    return g_strndup (text + 1, len - 2);
  return g_strdup (text);
}

guint
hs_command_edit_distance (const char *a,
                          const char *b)
{
  gsize la = strlen (a);
  gsize lb = strlen (b);
  g_autofree guint *row = NULL;

  if (la > 256 || lb > 256)
    return G_MAXUINT;
  row = g_new (guint, lb + 1);
  for (gsize j = 0; j <= lb; j++)
    row[j] = j;
  for (gsize i = 1; i <= la; i++)
    {
      guint diag = row[0];

      row[0] = i;
      for (gsize j = 1; j <= lb; j++)
        {
          guint up = row[j];
          guint cost = g_ascii_tolower (a[i - 1]) == g_ascii_tolower (b[j - 1]) ? 0 : 1;

          row[j] = MIN (MIN (row[j] + 1, row[j - 1] + 1), diag + cost);
          diag = up;
        }
    }
  return row[lb];
}
