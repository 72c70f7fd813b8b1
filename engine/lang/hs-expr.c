/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "hs-expr"

#include "config.h"

#include "hs-expr.h"
#include "hs-command.h"

#include <string.h>

#define MAX_DEPTH 64
#define MAX_ARGS  16

typedef struct
{
  const char *text;
  const char *p;
  const HsExprContext *ctx;
  int depth;
  int skip;            /* > 0 while parsing a side that && or || does not evaluate */
} Parser;

static gboolean parse_expr (Parser *ps, int min_prec, HsValue *out, GError **error);

void
hs_value_clear (HsValue *value)
{
  g_clear_pointer (&value->string, g_free);
  value->number = 0;
  value->type = HS_VALUE_NUMBER;
}

void
hs_value_set_number (HsValue *value,
                     guint64  number)
{
  hs_value_clear (value);
  value->type = HS_VALUE_NUMBER;
  value->number = number;
}

void
hs_value_set_boolean (HsValue  *value,
                      gboolean  boolean)
{
  hs_value_clear (value);
  value->type = HS_VALUE_BOOLEAN;
  value->number = boolean ? 1 : 0;
}

void
hs_value_set_string (HsValue    *value,
                     const char *string)
{
  hs_value_clear (value);
  value->type = HS_VALUE_STRING;
  value->string = g_strdup (string);
}

gboolean
hs_value_is_true (const HsValue *value)
{
  if (value->type == HS_VALUE_STRING)
    return value->string && value->string[0];
  return value->number != 0;
}

char *
hs_value_format (const HsValue *value)
{
  switch (value->type)
    {
    case HS_VALUE_STRING:
      return g_strdup (value->string ? value->string : "");
    case HS_VALUE_BOOLEAN:
      return g_strdup (value->number ? "TRUE()" : "FALSE()");
    case HS_VALUE_TIME:
      if (value->number % 1000000 == 0)
        return g_strdup_printf ("%" G_GUINT64_FORMAT ".s", value->number / 1000000);
      if (value->number % 1000 == 0)
        return g_strdup_printf ("%" G_GUINT64_FORMAT ".ms", value->number / 1000);
      return g_strdup_printf ("%" G_GUINT64_FORMAT ".us", value->number);
    case HS_VALUE_NUMBER:
    default:
      return g_strdup_printf ("0x%" G_GINT64_MODIFIER "x", value->number);
    }
}

char *
hs_value_to_literal (const HsValue *value)
{
  GString *s;

  g_return_val_if_fail (value != NULL, NULL);
  if (value->type != HS_VALUE_STRING)
    return hs_value_format (value);
  s = g_string_new ("\"");
  for (const char *p = value->string ? value->string : ""; *p; p++)
    switch (*p)
      {
      case '\\': g_string_append (s, "\\\\"); break;
      case '"': g_string_append (s, "\\\""); break;
      case '\n': g_string_append (s, "\\n"); break;
      case '\t': g_string_append (s, "\\t"); break;
      default: g_string_append_c (s, *p); break;
      }
  g_string_append_c (s, '"');
  return g_string_free (s, FALSE);
}

static gboolean
fail (Parser      *ps,
      GError     **error,
      const char  *fmt,
      ...) G_GNUC_PRINTF (3, 4);

/* The character at @p for a message: a byte of a multi-byte character, or one that is not
 * UTF-8 at all, would make the whole message invalid UTF-8 (GTK drops such text). */
static char *
describe_char (const char *p)
{
  gsize avail = strnlen (p, 6);
  gunichar c = g_utf8_get_char_validated (p, (gssize) avail);

  if (c == (gunichar) -1 || c == (gunichar) -2)
    return g_strdup_printf ("byte 0x%02x", (guint8) *p);
  return g_strdup_printf ("'%.*s'", (int) (g_utf8_next_char (p) - p), p);
}

static gboolean
fail (Parser      *ps,
      GError     **error,
      const char  *fmt,
      ...)
{
  va_list args;
  g_autofree char *raw = NULL;
  g_autofree char *msg = NULL;
  g_autofree char *text = g_utf8_make_valid (ps->text, -1);

  va_start (args, fmt);
  raw = g_strdup_vprintf (fmt, args);
  va_end (args);
  /* What is quoted from the expression (its rest, a name) may hold the same bytes. */
  msg = g_utf8_make_valid (raw, -1);
  g_set_error (error, HS_COMMAND_ERROR, HS_COMMAND_ERROR_BAD_ARGUMENT,
               "%s in '%s' at column %zu", msg, text, (gsize) (ps->p - ps->text) + 1);
  return FALSE;
}

static void
skip_blanks (Parser *ps)
{
  while (g_ascii_isspace (*ps->p))
    ps->p++;
}

static int
digit_value (char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return 99;
}

static gboolean
accumulate (Parser   *ps,
            guint64  *v,
            guint     base,
            int       d,
            GError  **error)
{
  if (*v > (G_MAXUINT64 - (guint64) d) / base)
    return fail (ps, error, "number too large for 64 bits");
  *v = *v * base + (guint64) d;
  return TRUE;
}

static gsize
unit_length (const char *p,
             guint64    *mult)
{
  static const struct { const char *unit; guint64 mult; } units[] = {
    { "us", 1 }, { "ms", 1000 }, { "s", 1000000 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (units); i++)
    {
      gsize ul = strlen (units[i].unit);

      if (g_ascii_strncasecmp (p, units[i].unit, ul) == 0 && !g_ascii_isalnum (p[ul])
          && p[ul] != '_')
        {
          *mult = units[i].mult;
          return ul;
        }
    }
  return 0;
}

/*
 * A number literal. Without a prefix, a trailing '.' makes it decimal; a
 * time unit ("10.s", "500ms") always does, since nobody means hex seconds.
 */
static gboolean
parse_number (Parser   *ps,
              HsValue  *out,
              GError  **error)
{
  const char *digits = ps->p;
  const char *end;
  guint base = 16;
  gboolean prefixed = FALSE;
  guint64 v = 0;
  guint64 mult = 0;
  gsize unit_len = 0;

  if (ps->p[0] == '0' && (ps->p[1] == 'x' || ps->p[1] == 'X'))
    prefixed = TRUE;
  else if (ps->p[0] == '0' && (ps->p[1] == 'y' || ps->p[1] == 'Y'))
    {
      prefixed = TRUE;
      base = 2;
    }
  if (prefixed)
    digits += 2;
  end = digits;
  while (digit_value (*end) < (int) base)
    end++;
  if (end == digits)
    {
      ps->p = end;
      return fail (ps, error, "a number needs digits");
    }

  if (!prefixed)
    {
      const char *after = end;
      const char *fraction = NULL;

      if (*after == '.')
        after++;
      /* "0.5s": a fraction only makes sense for times. */
      if (*end == '.' && g_ascii_isdigit (*after))
        {
          fraction = after;
          while (g_ascii_isdigit (*after))
            after++;
          if (unit_length (after, &mult) == 0)
            {
              ps->p = fraction;
              return fail (ps, error, "only times may have a fraction (e.g. 0.5s)");
            }
        }
      unit_len = unit_length (after, &mult);
      if (fraction != NULL)
        {
          guint64 whole = 0;
          guint64 frac = 0;
          guint64 scale = 1;

          for (const char *q = digits; q < end; q++)
            {
              if (!g_ascii_isdigit (*q))
                {
                  g_autofree char *what = describe_char (q);

                  ps->p = q;
                  return fail (ps, error, "%s is not a decimal digit", what);
                }
              ps->p = q;
              if (!accumulate (ps, &whole, 10, *q - '0', error))
                return FALSE;
            }
          for (const char *q = fraction; q < after && scale < 1000000; q++)
            {
              frac = frac * 10 + (guint64) (*q - '0');
              scale *= 10;
            }
          if (whole > G_MAXUINT64 / mult || whole * mult > G_MAXUINT64 - frac * mult / scale)
            return fail (ps, error, "time too large");
          hs_value_clear (out);
          out->type = HS_VALUE_TIME;
          out->number = whole * mult + frac * mult / scale;
          ps->p = after + unit_len;
          return TRUE;
        }
      if (*end == '.' || unit_len > 0)
        {
          base = 10;
          for (const char *q = digits; q < end; q++)
            if (!g_ascii_isdigit (*q))
              {
                g_autofree char *what = describe_char (q);

                ps->p = q;
                return fail (ps, error, "%s is not a decimal digit", what);
              }
        }
    }

  for (const char *q = digits; q < end; q++)
    {
      ps->p = q;
      if (!accumulate (ps, &v, base, digit_value (*q), error))
        return FALSE;
    }
  ps->p = end;
  if (base == 10 && *ps->p == '.')
    ps->p++;
  if (unit_len > 0)
    {
      if (v > G_MAXUINT64 / mult)
        return fail (ps, error, "time too large");
      hs_value_clear (out);
      out->type = HS_VALUE_TIME;
      out->number = v * mult;
      ps->p += unit_len;
      return TRUE;
    }
  if (g_ascii_isalnum (*ps->p) || *ps->p == '_')
    return fail (ps, error, "unexpected '%c' after a number", *ps->p);
  hs_value_set_number (out, v);
  return TRUE;
}

static gboolean
parse_string (Parser   *ps,
              HsValue  *out,
              GError  **error)
{
  GString *s = g_string_new (NULL);

  ps->p++;
  while (*ps->p && *ps->p != '"')
    {
      if (*ps->p == '\\' && ps->p[1])
        {
          ps->p++;
          switch (*ps->p)
            {
            case 'n': g_string_append_c (s, '\n'); break;
            case 't': g_string_append_c (s, '\t'); break;
            default: g_string_append_c (s, *ps->p); break;
            }
        }
      else
        g_string_append_c (s, *ps->p);
      ps->p++;
    }
  if (*ps->p != '"')
    {
      g_string_free (s, TRUE);
      return fail (ps, error, "unterminated string");
    }
  ps->p++;
  hs_value_clear (out);
  out->type = HS_VALUE_STRING;
  out->string = g_string_free (s, FALSE);
  return TRUE;
}

static gboolean
is_name_char (char c)
{
  return g_ascii_isalnum (c) || c == '_' || c == '.';
}

/* The text up to the ')' that closes a function's '(' (nested brackets and C's quoted strings
 * and characters inside it skipped whole), blanks at its ends trimmed; ps->p is left on that
 * ')'. */
static gboolean
take_text_argument (Parser      *ps,
                    const char  *name,
                    char       **text,
                    GError     **error)
{
  const char *start = ps->p;
  guint depth = 0;

  for (; *ps->p != 0; ps->p++)
    {
      char c = *ps->p;

      if (c == '"' || c == '\'')
        {
          for (ps->p++; *ps->p != 0 && *ps->p != c; ps->p++)
            if (*ps->p == '\\' && ps->p[1] != 0)
              ps->p++;
          if (*ps->p == 0)
            break;
        }
      else if (c == '(' || c == '[')
        depth++;
      else if ((c == ')' || c == ']') && depth > 0)
        depth--;
      else if (c == ')')
        {
          *text = g_strstrip (g_strndup (start, ps->p - start));
          return TRUE;
        }
    }
  return fail (ps, error, "expected ')' to close %s(", name);
}

/* NAME(args) or NAME; names may be dotted (STATE.RUN). */
static gboolean
parse_name (Parser   *ps,
            HsValue  *out,
            GError  **error)
{
  const char *start = ps->p;
  g_autofree char *name = NULL;

  while (is_name_char (*ps->p))
    ps->p++;
  /* A trailing dot belongs to no name. */
  while (ps->p > start + 1 && ps->p[-1] == '.')
    ps->p--;
  name = g_strndup (start, ps->p - start);
  skip_blanks (ps);

  if (*ps->p == '(')
    {
      HsValue args[MAX_ARGS] = { 0 };
      guint n = 0;
      gboolean ok = FALSE;

      ps->p++;
      skip_blanks (ps);
      if (ps->ctx != NULL && ps->ctx->takes_text != NULL
          && ps->ctx->takes_text (name, ps->ctx->user_data))
        {
          g_autofree char *text = NULL;

          if (!take_text_argument (ps, name, &text, error))
            goto out;
          if (*text != 0)
            hs_value_set_string (&args[n++], text);
        }
      else if (*ps->p != ')')
        for (;;)
          {
            if (n == MAX_ARGS)
              {
                fail (ps, error, "more than %d arguments", MAX_ARGS);
                goto out;
              }
            /* Register(pc) names a register: a bare word argument stays a string. */
            skip_blanks (ps);
            {
              const char *arg_start = ps->p;

              while (is_name_char (*ps->p))
                ps->p++;
              skip_blanks (ps);
              if (ps->p > arg_start && (*ps->p == ',' || *ps->p == ')')
                  && !g_ascii_isdigit (*arg_start))
                {
                  g_autofree char *word = g_strndup (arg_start, ps->p - arg_start);

                  hs_value_set_string (&args[n], g_strstrip (word));
                }
              else
                {
                  ps->p = arg_start;
                  if (!parse_expr (ps, 0, &args[n], error))
                    {
                      n++;
                      goto out;
                    }
                }
            }
            n++;
            skip_blanks (ps);
            if (*ps->p == ',')
              {
                ps->p++;
                continue;
              }
            break;
          }
      if (*ps->p != ')')
        {
          fail (ps, error, "expected ')' to close %s(", name);
          goto out;
        }
      ps->p++;
      if (ps->skip > 0)
        {
          hs_value_set_number (out, 0);
          ok = TRUE;
          goto out;
        }
      if (ps->ctx == NULL || ps->ctx->call == NULL)
        {
          g_set_error (error, HS_COMMAND_ERROR, HS_COMMAND_ERROR_BAD_ARGUMENT,
                       "unknown function %s()", name);
          goto out;
        }
      ok = ps->ctx->call (name, args, n, out, ps->ctx->user_data, error);
    out:
      for (guint i = 0; i < n; i++)
        hs_value_clear (&args[i]);
      return ok;
    }

  if (ps->skip > 0)
    {
      hs_value_set_number (out, 0);
      return TRUE;
    }
  if (ps->ctx == NULL || ps->ctx->symbol == NULL)
    {
      g_set_error (error, HS_COMMAND_ERROR, HS_COMMAND_ERROR_BAD_ARGUMENT,
                   "unknown name '%s' (no symbols are loaded)", name);
      return FALSE;
    }
  return ps->ctx->symbol (name, out, ps->ctx->user_data, error);
}

static gboolean
parse_unary (Parser   *ps,
             HsValue  *out,
             GError  **error)
{
  gboolean ok;

  skip_blanks (ps);
  if (++ps->depth > MAX_DEPTH)
    return fail (ps, error, "expression nests deeper than %d", MAX_DEPTH);

  switch (*ps->p)
    {
    case '!':
    case '~':
    case '-':
    case '+':
      {
        char op = *ps->p++;

        ok = parse_unary (ps, out, error);
        if (ok && ps->skip > 0)
          hs_value_set_number (out, 0);
        else if (ok && out->type == HS_VALUE_STRING)
          ok = fail (ps, error, "'%c' does not apply to a string", op);
        else if (ok && op == '!')
          hs_value_set_boolean (out, !hs_value_is_true (out));
        else if (ok && op == '~')
          hs_value_set_number (out, ~out->number);
        else if (ok && op == '-')
          hs_value_set_number (out, -out->number);
      }
      break;
    case '(':
      ps->p++;
      ok = parse_expr (ps, 0, out, error);
      skip_blanks (ps);
      if (ok && *ps->p != ')')
        ok = fail (ps, error, "expected ')'");
      else if (ok)
        ps->p++;
      break;
    case '"':
      ok = parse_string (ps, out, error);
      break;
    case 0:
      ok = fail (ps, error, "expression ends too early");
      break;
    default:
      if (g_ascii_isdigit (*ps->p))
        ok = parse_number (ps, out, error);
      else if (g_ascii_isalpha (*ps->p) || *ps->p == '_')
        ok = parse_name (ps, out, error);
      else
        {
          g_autofree char *what = describe_char (ps->p);

          ok = fail (ps, error, "unexpected %s", what);
        }
      break;
    }
  ps->depth--;
  return ok;
}

typedef struct
{
  const char *op;
  int prec;
} BinOp;

/* C's precedence, lowest first. Longer spellings come first so "<<" wins over "<". */
static const BinOp binops[] = {
  { "||", 1 }, { "&&", 2 }, { "==", 6 }, { "!=", 6 }, { "<=", 7 }, { ">=", 7 },
  { "<<", 8 }, { ">>", 8 }, { "|", 3 }, { "^", 4 }, { "&", 5 }, { "<", 7 }, { ">", 7 },
  { "+", 9 }, { "-", 9 }, { "*", 10 }, { "/", 10 }, { "%", 10 },
};

static const BinOp *
peek_binop (Parser *ps)
{
  for (guint i = 0; i < G_N_ELEMENTS (binops); i++)
    if (strncmp (ps->p, binops[i].op, strlen (binops[i].op)) == 0)
      return &binops[i];
  return NULL;
}

static gboolean
apply_binop (Parser         *ps,
             const char     *op,
             HsValue        *lhs,
             const HsValue  *rhs,
             GError        **error)
{
  guint64 a = lhs->number;
  guint64 b = rhs->number;

  /* Not evaluated: only the syntax counts. */
  if (ps->skip > 0)
    {
      hs_value_set_number (lhs, 0);
      return TRUE;
    }
  if (lhs->type == HS_VALUE_STRING || rhs->type == HS_VALUE_STRING)
    {
      if (lhs->type == HS_VALUE_STRING && rhs->type == HS_VALUE_STRING)
        {
          if (strcmp (op, "==") == 0 || strcmp (op, "!=") == 0)
            {
              gboolean eq = g_strcmp0 (lhs->string, rhs->string) == 0;

              hs_value_set_boolean (lhs, op[0] == '=' ? eq : !eq);
              return TRUE;
            }
          if (strcmp (op, "+") == 0)
            {
              g_autofree char *joined = g_strconcat (lhs->string, rhs->string, NULL);

              hs_value_set_string (lhs, joined);
              return TRUE;
            }
          /* Byte order, as strcmp() has it. */
          if (op[0] == '<' || op[0] == '>')
            {
              int c = strcmp (lhs->string, rhs->string);
              gboolean holds = op[1] == '=' ? (op[0] == '<' ? c <= 0 : c >= 0)
                                            : (op[0] == '<' ? c < 0 : c > 0);

              if (op[1] != '<' && op[1] != '>')
                {
                  hs_value_set_boolean (lhs, holds);
                  return TRUE;
                }
            }
        }
      return fail (ps, error, "'%s' does not apply to strings", op);
    }

  if (strcmp (op, "||") == 0)
    hs_value_set_boolean (lhs, a || b);
  else if (strcmp (op, "&&") == 0)
    hs_value_set_boolean (lhs, a && b);
  else if (strcmp (op, "==") == 0)
    hs_value_set_boolean (lhs, a == b);
  else if (strcmp (op, "!=") == 0)
    hs_value_set_boolean (lhs, a != b);
  else if (strcmp (op, "<=") == 0)
    hs_value_set_boolean (lhs, a <= b);
  else if (strcmp (op, ">=") == 0)
    hs_value_set_boolean (lhs, a >= b);
  else if (strcmp (op, "<") == 0)
    hs_value_set_boolean (lhs, a < b);
  else if (strcmp (op, ">") == 0)
    hs_value_set_boolean (lhs, a > b);
  else
    {
      guint64 r;
      HsValueType type = (lhs->type == HS_VALUE_TIME || rhs->type == HS_VALUE_TIME)
                         ? HS_VALUE_TIME : HS_VALUE_NUMBER;

      if ((op[0] == '/' || op[0] == '%') && b == 0)
        return fail (ps, error, "division by zero");
      switch (op[0])
        {
        case '<': r = b >= 64 ? 0 : a << b; break;
        case '>': r = b >= 64 ? 0 : a >> b; break;
        case '|': r = a | b; break;
        case '^': r = a ^ b; break;
        case '&': r = a & b; break;
        case '+': r = a + b; break;
        case '-': r = a - b; break;
        case '*': r = a * b; break;
        case '/': r = a / b; break;
        case '%': r = a % b; break;
        default: g_assert_not_reached ();
        }
      hs_value_set_number (lhs, r);
      lhs->type = type;
    }
  return TRUE;
}

/* Precedence climbing. */
static gboolean
parse_expr (Parser   *ps,
            int       min_prec,
            HsValue  *out,
            GError  **error)
{
  if (!parse_unary (ps, out, error))
    return FALSE;
  for (;;)
    {
      const BinOp *op;
      HsValue rhs = { 0 };
      gboolean decided = FALSE;
      gboolean ok;

      skip_blanks (ps);
      op = peek_binop (ps);
      if (op == NULL || op->prec < min_prec)
        return TRUE;
      ps->p += strlen (op->op);
      /* C's && and ||: a side that cannot change the result is parsed but not evaluated,
       * so "STATE.HALT() && Register(pc) == x" does not read registers of a running core. */
      if (ps->skip == 0 && out->type != HS_VALUE_STRING)
        decided = (strcmp (op->op, "&&") == 0 && !hs_value_is_true (out))
                  || (strcmp (op->op, "||") == 0 && hs_value_is_true (out));
      if (decided)
        ps->skip++;
      ok = parse_expr (ps, op->prec + 1, &rhs, error);
      if (decided)
        ps->skip--;
      if (!ok)
        {
          hs_value_clear (&rhs);
          return FALSE;
        }
      if (decided)
        {
          hs_value_set_boolean (out, op->op[0] == '|');
          hs_value_clear (&rhs);
          continue;
        }
      if (!apply_binop (ps, op->op, out, &rhs, error))
        {
          hs_value_clear (&rhs);
          return FALSE;
        }
      hs_value_clear (&rhs);
    }
}

gboolean
hs_expr_evaluate (const char           *text,
                  const HsExprContext  *context,
                  HsValue              *result,
                  GError              **error)
{
  Parser ps = { text, text, context, 0, 0 };

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (result != NULL, FALSE);

  memset (result, 0, sizeof *result);
  if (!parse_expr (&ps, 0, result, error))
    {
      hs_value_clear (result);
      return FALSE;
    }
  skip_blanks (&ps);
  if (*ps.p != 0)
    {
      hs_value_clear (result);
      return fail (&ps, error, "unexpected '%s'", ps.p);
    }
  return TRUE;
}

gboolean
hs_expr_evaluate_number (const char           *text,
                         const HsExprContext  *context,
                         guint64              *result,
                         GError              **error)
{
  HsValue v = { 0 };

  if (!hs_expr_evaluate (text, context, &v, error))
    return FALSE;
  if (v.type == HS_VALUE_STRING)
    {
      hs_value_clear (&v);
      g_set_error (error, HS_COMMAND_ERROR, HS_COMMAND_ERROR_BAD_ARGUMENT,
                   "'%s' is a string, a number is needed here", text);
      return FALSE;
    }
  *result = v.number;
  hs_value_clear (&v);
  return TRUE;
}

gboolean
hs_expr_parse_time (const char  *text,
                    guint64     *usec,
                    GError     **error)
{
  HsValue v = { 0 };

  if (!hs_expr_evaluate (text, NULL, &v, error))
    return FALSE;
  if (v.type != HS_VALUE_TIME)
    {
      hs_value_clear (&v);
      g_set_error (error, HS_COMMAND_ERROR, HS_COMMAND_ERROR_BAD_ARGUMENT,
                   "'%s' is not a time; write it with a unit, e.g. 10.s, 500.ms or 20.us",
                   text);
      return FALSE;
    }
  *usec = v.number;
  return TRUE;
}
