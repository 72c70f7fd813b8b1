/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "hs-address"

#include "config.h"

#include "hs-address.h"
#include "hs-command.h"
#include "hs-expr.h"

#include <string.h>

void
hs_address_spec_clear (HsAddressSpec *spec)
{
  g_clear_pointer (&spec->expression, g_free);
}

/* Machine and space ids are plain numbers in the usual radix rules (2, 0x1f3, 10.). */
static gboolean
parse_id (const char  *text,
          gsize        len,
          const char  *what,
          const char  *whole,
          guint64     *out,
          GError     **error)
{
  g_autofree char *part = g_strstrip (g_strndup (text, len));
  g_autoptr(GError) local_error = NULL;

  if (*part == 0)
    {
      g_set_error (error, HS_COMMAND_ERROR, HS_COMMAND_ERROR_BAD_ARGUMENT,
                   "'%s': the %s before '%s' is empty", whole, what,
                   g_str_equal (what, "machine") ? ":::" : "::");
      return FALSE;
    }
  if (!hs_expr_evaluate_number (part, NULL, out, &local_error))
    {
      g_set_error (error, HS_COMMAND_ERROR, HS_COMMAND_ERROR_BAD_ARGUMENT,
                   "'%s': the %s '%s' is not a number (%s)", whole, what, part,
                   local_error->message);
      return FALSE;
    }
  return TRUE;
}

/* @separator in @p before the first '(' or '"', or NULL. */
static const char *
find_prefix_end (const char *p,
                 const char *separator)
{
  const char *sep = strstr (p, separator);
  gsize before = strcspn (p, "(\"");

  return sep != NULL && (gsize) (sep - p) < before ? sep : NULL;
}

gboolean
hs_address_spec_parse (const char     *text,
                       HsAddressSpec  *spec,
                       GError        **error)
{
  const char *p;
  const char *sep;
  guint64 v;

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (spec != NULL, FALSE);

  memset (spec, 0, sizeof *spec);
  p = text;
  while (g_ascii_isspace (*p))
    p++;

  /* An access class is one letter and a single colon: "A:" but not "A::" (a space id). */
  if ((p[0] == 'A' || p[0] == 'a' || p[0] == 'I' || p[0] == 'i') && p[1] == ':' && p[2] != ':')
    {
      spec->access = (p[0] == 'A' || p[0] == 'a') ? HS_ACCESS_PHYSICAL : HS_ACCESS_INTERMEDIATE;
      p += 2;
    }
  else if (g_ascii_isalpha (p[0]) && p[1] == ':' && p[2] != ':')
    {
      g_set_error (error, HS_COMMAND_ERROR, HS_COMMAND_ERROR_BAD_ARGUMENT,
                   "'%s': unknown access class '%c:' (A: host physical, I: guest physical, "
                   "none: virtual)", text, p[0]);
      return FALSE;
    }

  /* The prefixes come before any call or string: "Var.SIZEOF(2:::x)" has none of its own. */
  sep = find_prefix_end (p, ":::");
  if (sep != NULL)
    {
      if (!parse_id (p, sep - p, "machine", text, &v, error))
        return FALSE;
      if (v > G_MAXUINT)
        {
          g_set_error (error, HS_COMMAND_ERROR, HS_COMMAND_ERROR_BAD_ARGUMENT,
                       "'%s': machine %" G_GUINT64_FORMAT " is out of range", text, v);
          return FALSE;
        }
      spec->has_machine = TRUE;
      spec->machine = (guint) v;
      p = sep + 3;
    }

  sep = find_prefix_end (p, "::");
  if (sep != NULL)
    {
      if (!parse_id (p, sep - p, "space", text, &spec->space, error))
        return FALSE;
      spec->has_space = TRUE;
      p = sep + 2;
    }

  while (g_ascii_isspace (*p))
    p++;
  if (*p == 0)
    {
      g_set_error (error, HS_COMMAND_ERROR, HS_COMMAND_ERROR_BAD_ARGUMENT,
                   "'%s' has no address after its %s", text,
                   spec->has_space ? "space" : spec->has_machine ? "machine" : "access class");
      return FALSE;
    }
  if (find_prefix_end (p, "::") != NULL)
    {
      g_set_error (error, HS_COMMAND_ERROR, HS_COMMAND_ERROR_BAD_ARGUMENT,
                   "'%s': write machine:::space::address, in that order", text);
      return FALSE;
    }
  if (spec->access == HS_ACCESS_PHYSICAL && (spec->has_machine || spec->has_space))
    {
      g_set_error (error, HS_COMMAND_ERROR, HS_COMMAND_ERROR_BAD_ARGUMENT,
                   "'%s': A: addresses are host physical and belong to no machine or space",
                   text);
      return FALSE;
    }
  if (spec->access == HS_ACCESS_INTERMEDIATE && spec->has_space)
    {
      g_set_error (error, HS_COMMAND_ERROR, HS_COMMAND_ERROR_BAD_ARGUMENT,
                   "'%s': I: addresses are guest physical and belong to no process space", text);
      return FALSE;
    }
  spec->expression = g_strdup (p);
  g_strchomp (spec->expression);
  return TRUE;
}

char *
hs_address_format (const HsAddress *address)
{
  g_return_val_if_fail (address != NULL, NULL);

  switch (address->access)
    {
    case HS_ACCESS_PHYSICAL:
      return g_strdup_printf ("A:0x%016" G_GINT64_MODIFIER "x", address->offset);
    case HS_ACCESS_INTERMEDIATE:
      return g_strdup_printf ("I:%u:::0x%010" G_GINT64_MODIFIER "x", address->machine,
                              address->offset);
    case HS_ACCESS_VIRTUAL:
    default:
      return g_strdup_printf ("%u:::0x%" G_GINT64_MODIFIER "x::0x%016" G_GINT64_MODIFIER "x",
                              address->machine, address->space, address->offset);
    }
}

gboolean
hs_address_range_wraps (guint64 offset,
                        guint64 length)
{
  return length > 0 && offset + (length - 1) < offset;
}
