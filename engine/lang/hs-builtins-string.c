/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-builtins-string.c: the builtins that need no target: STRing.*() on
 * strings (bytes, as TRACE32 counts them), FORMAT.*() and CONVert.*() between
 * numbers and text, and OS.*() about the host. Every result is at most
 * HS_BUILTIN_MAX_STRING bytes: no count or width argument makes a large
 * allocation.
 */
#define G_LOG_DOMAIN "hs-builtins"

#include "config.h"

#include "hs-builtins-private.h"

#include <string.h>

/* The widest FORMAT.*() field. */
#define MAX_WIDTH 64u

gboolean
hs_builtin_string_length (const HsBuiltinEnv  *env,
                          gpointer             data,
                          const HsBuiltin     *self,
                          const HsValue       *args,
                          guint                n_args,
                          HsValue             *result,
                          GError             **error)
{
  hs_value_set_number (result, strlen (args[0].string));
  return TRUE;
}

/* STRing.MID(s, start, length): the bytes from @start (0 is the first), at most @length of
 * them; "" past the end. */
gboolean
hs_builtin_string_mid (const HsBuiltinEnv  *env,
                       gpointer             data,
                       const HsBuiltin     *self,
                       const HsValue       *args,
                       guint                n_args,
                       HsValue             *result,
                       GError             **error)
{
  const char *s = args[0].string;
  gsize len = strlen (s);
  guint64 start = MIN (args[1].number, len);
  guint64 count = MIN (args[2].number, len - start);

  hs_builtin_take_string (result, g_strndup (s + start, count));
  return TRUE;
}

/* STRing.SCAN(s, find, start): where @find is first found at @start or after it, or -1. */
gboolean
hs_builtin_string_scan (const HsBuiltinEnv  *env,
                        gpointer             data,
                        const HsBuiltin     *self,
                        const HsValue       *args,
                        guint                n_args,
                        HsValue             *result,
                        GError             **error)
{
  const char *s = args[0].string;
  gsize len = strlen (s);
  const char *found = NULL;

  if (args[2].number <= len)
    found = strstr (s + args[2].number, args[1].string);
  hs_value_set_number (result, found ? (guint64) (found - s) : G_MAXUINT64);
  return TRUE;
}

/* STRing.UPpeR(s) (@size 1), STRing.LOWeR(s): ASCII letters only, as TRACE32 does. */
gboolean
hs_builtin_string_case (const HsBuiltinEnv  *env,
                        gpointer             data,
                        const HsBuiltin     *self,
                        const HsValue       *args,
                        guint                n_args,
                        HsValue             *result,
                        GError             **error)
{
  const char *s = args[0].string;

  hs_builtin_take_string (result, self->size ? g_ascii_strup (s, -1) : g_ascii_strdown (s, -1));
  return TRUE;
}

gboolean
hs_builtin_string_trim (const HsBuiltinEnv  *env,
                        gpointer             data,
                        const HsBuiltin     *self,
                        const HsValue       *args,
                        guint                n_args,
                        HsValue             *result,
                        GError             **error)
{
  char *s = g_strdup (args[0].string);

  hs_builtin_take_string (result, g_strstrip (s));
  return TRUE;
}

/* STRing.Replace(s, find, replacement, count): the first @count occurrences, all of them for
 * a count of 0. */
gboolean
hs_builtin_string_replace (const HsBuiltinEnv  *env,
                           gpointer             data,
                           const HsBuiltin     *self,
                           const HsValue       *args,
                           guint                n_args,
                           HsValue             *result,
                           GError             **error)
{
  const char *s = args[0].string;
  const char *find = args[1].string;
  const char *repl = args[2].string;
  guint64 count = args[3].number;
  gsize find_len = strlen (find);
  g_autoptr(GString) out = g_string_new (NULL);
  guint64 done = 0;

  if (find_len == 0)
    return hs_builtin_fail (self, error, "there is nothing to find in an empty string");
  for (;;)
    {
      const char *hit = (count == 0 || done < count) ? strstr (s, find) : NULL;

      if (hit == NULL)
        {
          g_string_append (out, s);
          break;
        }
      g_string_append_len (out, s, hit - s);
      g_string_append (out, repl);
      s = hit + find_len;
      done++;
      if (out->len > HS_BUILTIN_MAX_STRING)
        break;
    }
  if (out->len > HS_BUILTIN_MAX_STRING)
    return hs_builtin_fail (self, error, "the result would be longer than %u bytes",
                            HS_BUILTIN_MAX_STRING);
  hs_builtin_take_string (result, g_string_free (g_steal_pointer (&out), FALSE));
  return TRUE;
}

/* STRing.ComPare(s, pattern): TRUE if @s matches @pattern, where '*' is any run of characters
 * and '?' any one character; case counts. */
gboolean
hs_builtin_string_compare (const HsBuiltinEnv  *env,
                           gpointer             data,
                           const HsBuiltin     *self,
                           const HsValue       *args,
                           guint                n_args,
                           HsValue             *result,
                           GError             **error)
{
  g_autofree char *s = g_utf8_make_valid (args[0].string, -1);
  g_autofree char *pattern = g_utf8_make_valid (args[1].string, -1);

  hs_value_set_boolean (result, g_pattern_match_simple (pattern, s));
  return TRUE;
}

/* STRing.CHAR(s, index): the byte at @index, 0 past the end. */
gboolean
hs_builtin_string_char (const HsBuiltinEnv  *env,
                        gpointer             data,
                        const HsBuiltin     *self,
                        const HsValue       *args,
                        guint                n_args,
                        HsValue             *result,
                        GError             **error)
{
  const char *s = args[0].string;

  hs_value_set_number (result, args[1].number < strlen (s) ? (guint8) s[args[1].number] : 0);
  return TRUE;
}

/* STRing.SPLIT(s, separator, index): the @index-th field (0 is the first), "" past the last. */
gboolean
hs_builtin_string_split (const HsBuiltinEnv  *env,
                         gpointer             data,
                         const HsBuiltin     *self,
                         const HsValue       *args,
                         guint                n_args,
                         HsValue             *result,
                         GError             **error)
{
  const char *s = args[0].string;
  const char *sep = args[1].string;
  gsize sep_len = strlen (sep);
  const char *end;

  if (sep_len == 0)
    return hs_builtin_fail (self, error, "the separator is empty");
  for (guint64 i = 0; i < args[2].number; i++)
    {
      const char *next = strstr (s, sep);

      if (next == NULL)
        {
          hs_value_set_string (result, "");
          return TRUE;
        }
      s = next + sep_len;
    }
  end = strstr (s, sep);
  hs_builtin_take_string (result, end ? g_strndup (s, end - s) : g_strdup (s));
  return TRUE;
}

/* FORMAT.Decimal(width, n) (signed, blanks in front), FORMAT.HEX(width, n) and
 * FORMAT.BINary(width, n) (zeros in front, no prefix): @size is the base. The number is never
 * cut to fit the width. */
gboolean
hs_builtin_format_number (const HsBuiltinEnv  *env,
                          gpointer             data,
                          const HsBuiltin     *self,
                          const HsValue       *args,
                          guint                n_args,
                          HsValue             *result,
                          GError             **error)
{
  guint64 width = args[0].number;
  guint64 n = args[1].number;
  char digits[65];
  guint i = sizeof digits - 1;

  if (width > MAX_WIDTH)
    return hs_builtin_fail (self, error, "a width of %" G_GUINT64_FORMAT " is over the limit of "
                            "%u", width, MAX_WIDTH);
  if (self->size == 10)
    {
      hs_builtin_take_string (result, g_strdup_printf ("%*" G_GINT64_FORMAT, (int) width,
                                                       (gint64) n));
      return TRUE;
    }
  digits[i] = 0;
  do
    {
      digits[--i] = "0123456789abcdef"[n % self->size];
      n /= self->size;
    }
  while (n != 0);
  while (sizeof digits - 1 - i < width)
    digits[--i] = '0';
  hs_value_set_string (result, digits + i);
  return TRUE;
}

/* CONVert.HEXTOINT(s): "1f", "0x1F" -> 0x1f. */
gboolean
hs_builtin_convert_hextoint (const HsBuiltinEnv  *env,
                             gpointer             data,
                             const HsBuiltin     *self,
                             const HsValue       *args,
                             guint                n_args,
                             HsValue             *result,
                             GError             **error)
{
  g_autofree char *s = g_strstrip (g_strdup (args[0].string));
  const char *p = s;
  guint64 v = 0;

  if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
    p += 2;
  if (*p == 0)
    return hs_builtin_fail (self, error, "\"%s\" has no hex digits", args[0].string);
  for (; *p; p++)
    {
      if (!g_ascii_isxdigit (*p))
        return hs_builtin_fail (self, error, "\"%s\" is not a hex number", args[0].string);
      if (v >> 60 != 0)
        return hs_builtin_fail (self, error, "\"%s\" is too large for 64 bits", args[0].string);
      v = v << 4 | (guint64) g_ascii_xdigit_value (*p);
    }
  hs_value_set_number (result, v);
  return TRUE;
}

/* CONVert.CHAR(n): the character with code @n, as UTF-8. */
gboolean
hs_builtin_convert_char (const HsBuiltinEnv  *env,
                         gpointer             data,
                         const HsBuiltin     *self,
                         const HsValue       *args,
                         guint                n_args,
                         HsValue             *result,
                         GError             **error)
{
  char buf[8] = { 0 };

  if (args[0].number == 0 || args[0].number > 0x10ffff
      || !g_unichar_validate ((gunichar) args[0].number))
    return hs_builtin_fail (self, error, "0x%" G_GINT64_MODIFIER "x is not a character",
                            args[0].number);
  g_unichar_to_utf8 ((gunichar) args[0].number, buf);
  hs_value_set_string (result, buf);
  return TRUE;
}

/* OS.FILE(path): TRUE if @path is a file ("~/" is the home directory). */
gboolean
hs_builtin_os_file (const HsBuiltinEnv  *env,
                    gpointer             data,
                    const HsBuiltin     *self,
                    const HsValue       *args,
                    guint                n_args,
                    HsValue             *result,
                    GError             **error)
{
  const char *path = args[0].string;
  g_autofree char *expanded = NULL;

  if (g_str_has_prefix (path, "~/"))
    path = expanded = g_build_filename (g_get_home_dir (), path + 2, NULL);
  hs_value_set_boolean (result, *path && g_file_test (path, G_FILE_TEST_IS_REGULAR));
  return TRUE;
}

gboolean
hs_builtin_os_pwd (const HsBuiltinEnv  *env,
                   gpointer             data,
                   const HsBuiltin     *self,
                   const HsValue       *args,
                   guint                n_args,
                   HsValue             *result,
                   GError             **error)
{
  hs_builtin_take_string (result, g_get_current_dir ());
  return TRUE;
}

/* OS.ENV(name): the environment variable, "" when it is not set. */
gboolean
hs_builtin_os_env (const HsBuiltinEnv  *env,
                   gpointer             data,
                   const HsBuiltin     *self,
                   const HsValue       *args,
                   guint                n_args,
                   HsValue             *result,
                   GError             **error)
{
  const char *value = g_getenv (args[0].string);

  hs_value_set_string (result, value ? value : "");
  return TRUE;
}
