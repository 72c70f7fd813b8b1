/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-cexpr.c: a small C expression evaluator and value printer over one HsSymbolFile.
 *
 * It lives in engine/symbols because everything it knows is the file's types and variables
 * plus a read callback: engine/lang (command tokens, address forms) may not reach up to
 * symbols, and the commands above it only choose the file, the load offset and the memory.
 *
 * The parser evaluates as it goes (recursive descent, one function per precedence level).
 * Values are lazy: an lvalue is an address and a type, read only when its value is needed,
 * so "sizeof (init_task)" or "&init_task.comm" read nothing. A type is a DIE plus what C
 * builds on it without a DIE of its own: array dimensions already indexed away (a DWARF array
 * "int m[2][3]" is one DIE) and levels of pointer ("(struct task_struct *)" has no DIE when
 * the program never used that type).
 *
 * Every error says which part of the expression failed, from its start to where the parser
 * was: "2:::init_task.nosuch: struct task_struct has no member 'nosuch'".
 */
#define G_LOG_DOMAIN "hs-cexpr"

#include "config.h"

#include "hs-cexpr-private.h"

#include <errno.h>
#include <string.h>

/* ------------------------------------------------------------------------------------------ */
/* Primary and postfix expressions                                                            */

static gboolean
parse_number (Eval    *ev,
              Value   *out,
              GError **error)
{
  const char *start = ev->p;
  char *end = NULL;
  guint64 n;
  gboolean is_unsigned = FALSE;

  errno = 0;
  n = g_ascii_strtoull (ev->p, &end, 0);
  if (end == ev->p || errno == ERANGE)
    {
      ev->p = end != NULL && end > ev->p ? end : ev->p + 1;
      return _hs_cexpr_fail_at (ev, start, error, "not a number (or more than 64 bits)");
    }
  ev->p = end;
  while (*ev->p == 'u' || *ev->p == 'U' || *ev->p == 'l' || *ev->p == 'L')
    is_unsigned |= (*ev->p++ == 'u' || ev->p[-1] == 'U');
  if (g_ascii_isalnum (*ev->p) || *ev->p == '_')
    {
      ev->p++;
      return _hs_cexpr_fail_at (ev, start, error, "not a number");
    }
  memset (out, 0, sizeof *out);
  out->type = _hs_cexpr_builtin (is_unsigned || n > G_MAXINT64 ? BUILTIN_ULONG : BUILTIN_LONG);
  out->bits = n;
  return TRUE;
}

static gboolean
parse_identifier (Eval    *ev,
                  Value   *out,
                  GError **error)
{
  const char *start = ev->p;
  g_autofree char *name = _hs_cexpr_take_identifier (ev);
  g_auto(HsSymbolInfo) info = { 0 };
  g_autoptr(GError) local = NULL;
  HsSymbol sym;
  /* A function's name goes straight to the functions: a DWARF miss among the variables would
   * first look through all of them for a "did you mean". */
  gboolean is_code = hs_symbol_file_lookup (ev->ctx->file, name, &sym)
                     && sym.kind == HS_SYMBOL_FUNCTION;

  if (is_code || !hs_symbol_file_get_variable (ev->ctx->file, name, &info, &local))
    {
      g_auto(HsSymbolInfo) function = { 0 };

      if (ev->enum_hint != 0)
        {
          g_autoptr(GArray) values = hs_symbol_file_get_enumerators (ev->ctx->file,
                                                                     ev->enum_hint, NULL);

          for (guint i = 0; values != NULL && i < values->len; i++)
            {
              const HsTypeEnumerator *e = &g_array_index (values, HsTypeEnumerator, i);

              if (g_strcmp0 (e->name, name) == 0)
                {
                  memset (out, 0, sizeof *out);
                  out->type = _hs_cexpr_ctype (ev->enum_hint);
                  out->bits = (guint64) e->value;
                  return TRUE;
                }
            }
        }
      if (!is_code)
        {
          guint64 enum_die;
          gint64 value;

          /* Any named enum's: "init_task.signal->pids[PIDTYPE_TGID]". */
          if (hs_symbol_file_find_enumerator (ev->ctx->file, name, &enum_die, &value, NULL))
            {
              memset (out, 0, sizeof *out);
              out->type = _hs_cexpr_ctype (enum_die);
              out->bits = (guint64) value;
              return TRUE;
            }
        }
      if (!hs_symbol_file_get_function (ev->ctx->file, name, &function, NULL)
          || !function.has_address)
        {
          if (local == NULL)
            g_set_error (&local, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_NOT_FOUND,
                         "'%s' is a function without an address in %s", name,
                         hs_symbol_file_get_path (ev->ctx->file));
          return _hs_cexpr_fail_with (ev, start, error, g_steal_pointer (&local));
        }
      /* A function: its address, printed with its name. */
      memset (out, 0, sizeof *out);
      out->type = _hs_cexpr_builtin (BUILTIN_ULONG);
      out->bits = function.address + ev->ctx->offset;
      out->code = TRUE;
      return TRUE;
    }
  if (!info.has_address)
    return _hs_cexpr_fail_at (ev, start, error, "'%s' is declared but has no address in %s", name,
                    hs_symbol_file_get_path (ev->ctx->file));
  if (info.type_die == 0)
    return _hs_cexpr_fail_at (ev, start, error, "'%s' has no type in the debug information; cast its "
                    "address: *(int *)&%s", name, name);
  memset (out, 0, sizeof *out);
  out->type = _hs_cexpr_ctype (info.type_die);
  out->lvalue = TRUE;
  out->address = info.address + ev->ctx->offset;
  out->symbol_size = info.size;
  return TRUE;
}

static gboolean
parse_primary (Eval    *ev,
               Value   *out,
               GError **error)
{
  const char *start;

  _hs_cexpr_skip_space (ev);
  start = ev->p;
  if (g_ascii_isdigit (*ev->p))
    return parse_number (ev, out, error);
  if (g_ascii_isalpha (*ev->p) || *ev->p == '_')
    return parse_identifier (ev, out, error);
  if (*ev->p == '\'' && ev->p[1] != 0 && ev->p[1] != '\\' && ev->p[2] == '\'')
    {
      memset (out, 0, sizeof *out);
      out->type = _hs_cexpr_builtin (BUILTIN_INT);
      out->bits = (guchar) ev->p[1];
      ev->p += 3;
      return TRUE;
    }
  if (_hs_cexpr_accept (ev, "("))
    {
      if (!_hs_cexpr_parse_expr (ev, out, error))
        return FALSE;
      if (!_hs_cexpr_accept (ev, ")"))
        return _hs_cexpr_fail_at (ev, start, error, "')' expected");
      return TRUE;
    }
  if (*ev->p == 0)
    return _hs_cexpr_fail_at (ev, ev->text, error, "the expression ends too early");
  ev->p++;
  return _hs_cexpr_fail_at (ev, start, error, "unexpected '%c'", ev->p[-1]);
}

/* @v.@name for a struct or union lvalue @v. */
static gboolean
member_of (Eval        *ev,
           const char  *start,
           Value       *v,
           const char  *name,
           GError     **error)
{
  g_auto(HsTypeMember) member = { 0 };
  g_autoptr(GError) local = NULL;
  Desc d;

  if (!_hs_cexpr_describe (ev, v->type, &d, &local))
    return _hs_cexpr_fail_with (ev, start, error, g_steal_pointer (&local));
  if (d.kind != K_STRUCT && d.kind != K_UNION)
    {
      g_autofree char *spelled = _hs_cexpr_spell (ev, v->type);

      if (d.kind == K_POINTER)
        return _hs_cexpr_fail_at (ev, start, error, "%s is a pointer: use '->%s'", spelled, name);
      return _hs_cexpr_fail_at (ev, start, error, "%s is not a struct or union", spelled);
    }
  if (!v->lvalue)
    return _hs_cexpr_fail_at (ev, start, error, "a struct that is not in memory has no members to read");
  if (!hs_symbol_file_find_member (ev->ctx->file, v->type.die, name, &member, &local))
    return _hs_cexpr_fail_with (ev, start, error, g_steal_pointer (&local));
  v->type = _hs_cexpr_ctype (member.type_die);
  v->symbol_size = 0;
  v->address += member.offset;
  v->bit_offset = member.bit_offset;
  v->bit_size = member.bit_size;
  return TRUE;
}

/* The lvalue @pointer points to. */
static gboolean
dereference (Eval        *ev,
             const char  *start,
             Value       *v,
             GError     **error)
{
  Desc d, target;
  guint64 bits;
  g_autoptr(GError) local = NULL;

  if (!_hs_cexpr_describe (ev, v->type, &d, &local))
    return _hs_cexpr_fail_with (ev, start, error, g_steal_pointer (&local));
  if (d.kind != K_POINTER && d.kind != K_ARRAY)
    {
      g_autofree char *spelled = _hs_cexpr_spell (ev, v->type);

      return _hs_cexpr_fail_at (ev, start, error, "%s is not a pointer", spelled);
    }
  if (!_hs_cexpr_load (ev, start, v, &d, &bits, error))
    return FALSE;
  if (!_hs_cexpr_describe (ev, d.target, &target, &local))
    return _hs_cexpr_fail_with (ev, start, error, g_steal_pointer (&local));
  if (target.kind == K_VOID)
    return _hs_cexpr_fail_at (ev, start, error, "a void * cannot be dereferenced: cast it first");
  memset (v, 0, sizeof *v);
  v->type = d.target;
  v->lvalue = TRUE;
  v->address = bits;
  return TRUE;
}

static gboolean
parse_postfix (Eval    *ev,
               Value   *out,
               GError **error)
{
  const char *start;

  _hs_cexpr_skip_space (ev);
  start = ev->p;
  if (!parse_primary (ev, out, error))
    return FALSE;
  for (guint n = 0;; n++)
    {
      if (n > 1000)
        return _hs_cexpr_fail_at (ev, start, error, "too long");
      if (_hs_cexpr_accept (ev, "->"))
        {
          g_autofree char *name = _hs_cexpr_take_identifier (ev);

          if (name == NULL)
            return _hs_cexpr_fail_at (ev, start, error, "a member name must follow '->'");
          if (!dereference (ev, start, out, error) || !member_of (ev, start, out, name, error))
            return FALSE;
        }
      else if (_hs_cexpr_accept (ev, "."))
        {
          g_autofree char *name = _hs_cexpr_take_identifier (ev);

          if (name == NULL)
            return _hs_cexpr_fail_at (ev, start, error, "a member name must follow '.'");
          if (!member_of (ev, start, out, name, error))
            return FALSE;
        }
      else if (_hs_cexpr_accept (ev, "["))
        {
          Value index;
          Desc d, element, id;
          guint64 base, i, scaled;

          if (!_hs_cexpr_parse_expr (ev, &index, error))
            return FALSE;
          if (!_hs_cexpr_accept (ev, "]"))
            return _hs_cexpr_fail_at (ev, start, error, "']' expected");
          if (!_hs_cexpr_load (ev, start, out, &d, &base, error) || !_hs_cexpr_load (ev, start, &index, &id, &i, error))
            return FALSE;
          if (d.kind != K_POINTER)
            return _hs_cexpr_fail_at (ev, start, error, "only arrays and pointers can be indexed");
          if (id.kind == K_POINTER)
            return _hs_cexpr_fail_at (ev, start, error, "an index must be an integer");
          {
            Desc was;

            /* d.target for a decayed array is the array's element. */
            if (!_hs_cexpr_describe (ev, out->type, &was, error))
              return FALSE;
            if (was.kind == K_ARRAY)
              d.target = was.target;
            if (was.kind == K_ARRAY && was.count > 0 && i >= was.count)
              return _hs_cexpr_fail_at (ev, start, error, "index %" G_GINT64_FORMAT " is out of bounds "
                              "(%" G_GUINT64_FORMAT " elements)", (gint64) i, was.count);
          }
          if (!_hs_cexpr_describe (ev, d.target, &element, error))
            return FALSE;
          if (!element.has_size)
            return _hs_cexpr_fail_at (ev, start, error, "the elements have no size");
          scaled = i * element.size;
          memset (out, 0, sizeof *out);
          out->type = d.target;
          out->lvalue = TRUE;
          out->address = base + scaled;
        }
      else
        return TRUE;
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Unary operators, casts, sizeof                                                             */

static gboolean
size_of (Eval        *ev,
         const char  *start,
         CType        t,
         Value       *out,
         GError     **error)
{
  Desc d;
  g_autoptr(GError) local = NULL;

  if (!_hs_cexpr_describe (ev, t, &d, &local))
    return _hs_cexpr_fail_with (ev, start, error, g_steal_pointer (&local));
  if (!d.has_size)
    {
      g_autofree char *spelled = _hs_cexpr_spell (ev, t);

      return _hs_cexpr_fail_at (ev, start, error, "%s has no size", spelled);
    }
  memset (out, 0, sizeof *out);
  out->type = _hs_cexpr_builtin (BUILTIN_ULONG);
  out->bits = d.size;
  return TRUE;
}

static gboolean
cast (Eval        *ev,
      const char  *start,
      CType        to,
      Value       *v,
      GError     **error)
{
  Desc target, from;
  guint64 bits;
  g_autoptr(GError) local = NULL;

  if (!_hs_cexpr_describe (ev, to, &target, &local))
    return _hs_cexpr_fail_with (ev, start, error, g_steal_pointer (&local));
  if (target.kind == K_STRUCT || target.kind == K_UNION || target.kind == K_ARRAY)
    {
      /* Reinterpreting memory: "(struct page)x" reads x's bytes as a struct page. */
      if (!v->lvalue)
        return _hs_cexpr_fail_at (ev, start, error, "only something in memory can be read as a %s",
                        target.kind == K_ARRAY ? "array" : "struct or union");
      v->type = to;
      v->bit_size = v->bit_offset = 0;
      v->symbol_size = 0;
      return TRUE;
    }
  if (!_hs_cexpr_load (ev, start, v, &from, &bits, error))
    return FALSE;
  memset (v, 0, sizeof *v);
  v->type = to;
  if (target.kind == K_BOOL)
    bits = bits != 0;
  else if (target.kind != K_VOID && target.size > 0 && target.size < 8)
    bits = _hs_cexpr_truncate_to (bits, target.size * 8, target.is_signed);
  v->bits = bits;
  return TRUE;
}

gboolean
_hs_cexpr_parse_unary (Eval    *ev,
                       Value   *out,
                       GError **error)
{
  const char *start;
  gboolean ok = FALSE;

  _hs_cexpr_skip_space (ev);
  start = ev->p;
  if (++ev->depth > MAX_PARSE_DEPTH)
    return _hs_cexpr_fail_at (ev, start, error, "nested more than %d deep", MAX_PARSE_DEPTH);

  if (strncmp (ev->p, "sizeof", 6) == 0 && !g_ascii_isalnum (ev->p[6]) && ev->p[6] != '_')
    {
      const char *open;

      ev->p += 6;
      _hs_cexpr_skip_space (ev);
      open = ev->p;
      if (_hs_cexpr_accept (ev, "(") && _hs_cexpr_type_follows (ev))
        {
          CType t;

          ok = _hs_cexpr_parse_type (ev, &t, error);
          if (ok && !_hs_cexpr_accept (ev, ")"))
            ok = _hs_cexpr_fail_at (ev, start, error, "')' expected");
          ok = ok && size_of (ev, start, t, out, error);
        }
      else
        {
          Value v;

          ev->p = open;
          ok = _hs_cexpr_parse_unary (ev, &v, error) && size_of (ev, start, v.type, out, error);
        }
    }
  else if (_hs_cexpr_accept (ev, "*"))
    ok = _hs_cexpr_parse_unary (ev, out, error) && dereference (ev, start, out, error);
  else if (_hs_cexpr_accept (ev, "&"))
    {
      ok = _hs_cexpr_parse_unary (ev, out, error);
      if (ok && !out->lvalue)
        ok = _hs_cexpr_fail_at (ev, start, error, "only something in memory has an address");
      else if (ok && out->bit_size > 0)
        ok = _hs_cexpr_fail_at (ev, start, error, "a bit-field has no address");
      else if (ok)
        {
          out->lvalue = FALSE;
          out->bits = out->address;
          out->type.ptr++;
          if (out->type.ptr > 8)
            ok = _hs_cexpr_fail_at (ev, start, error, "too many levels of pointer");
        }
    }
  else if (_hs_cexpr_accept (ev, "-") || _hs_cexpr_accept (ev, "~") || _hs_cexpr_accept (ev, "!") || _hs_cexpr_accept (ev, "+"))
    {
      char op = ev->p[-1];
      Desc d;
      guint64 bits;

      ok = _hs_cexpr_parse_unary (ev, out, error) && _hs_cexpr_load (ev, start, out, &d, &bits, error);
      if (ok && d.kind == K_POINTER && op != '!')
        ok = _hs_cexpr_fail_at (ev, start, error, "'%c' does not apply to a pointer", op);
      else if (ok)
        {
          gboolean is_unsigned = !d.is_signed && d.size == 8;

          memset (out, 0, sizeof *out);
          out->type = _hs_cexpr_builtin (op == '!' ? BUILTIN_INT : is_unsigned ? BUILTIN_ULONG : BUILTIN_LONG);
          out->bits = op == '-' ? -bits : op == '~' ? ~bits : op == '!' ? bits == 0 : bits;
        }
    }
  else if (*ev->p == '(')
    {
      const char *open = ev->p;

      ev->p++;
      if (_hs_cexpr_type_follows (ev))
        {
          CType t;

          ok = _hs_cexpr_parse_type (ev, &t, error);
          if (ok && !_hs_cexpr_accept (ev, ")"))
            ok = _hs_cexpr_fail_at (ev, start, error, "')' expected after the type");
          ok = ok && _hs_cexpr_parse_unary (ev, out, error) && cast (ev, start, t, out, error);
        }
      else
        {
          ev->p = open;
          ok = parse_postfix (ev, out, error);
        }
    }
  else
    ok = parse_postfix (ev, out, error);
  ev->depth--;
  return ok;
}

/* ------------------------------------------------------------------------------------------ */
/* Binary operators                                                                           */

typedef struct
{
  const char *op;
  guint level;
} BinOp;

/* C's precedence, lowest first (no &&, ||, ?: or assignment). */
static const BinOp binops[] = {
  { "||", 0 }, { "&&", 1 }, { "|", 2 }, { "^", 3 }, { "&", 4 }, { "==", 5 }, { "!=", 5 },
  { "<=", 6 }, { ">=", 6 }, { "<<", 7 }, { ">>", 7 }, { "<", 6 }, { ">", 6 }, { "+", 8 },
  { "-", 8 }, { "*", 9 }, { "/", 9 }, { "%", 9 },
};
#define N_LEVELS 10

static gboolean
binary (Eval        *ev,
        const char  *start,
        const char  *op,
        Value       *lhs,
        Value       *rhs,
        GError     **error)
{
  Desc dl, dr;
  guint64 a, b, r = 0;
  gboolean is_unsigned;
  Builtin result;

  if (!_hs_cexpr_load (ev, start, lhs, &dl, &a, error) || !_hs_cexpr_load (ev, start, rhs, &dr, &b, error))
    return FALSE;

  /* Pointer arithmetic: scaled by the size of what is pointed to. */
  if ((dl.kind == K_POINTER || dr.kind == K_POINTER) && (op[0] == '+' || op[0] == '-'))
    {
      Desc element;
      CType pointer_type;

      if (dl.kind == K_POINTER && dr.kind == K_POINTER)
        {
          if (op[0] == '+')
            return _hs_cexpr_fail_at (ev, start, error, "two pointers cannot be added");
          if (!_hs_cexpr_describe (ev, dl.target, &element, error))
            return FALSE;
          if (!element.has_size || element.size == 0)
            return _hs_cexpr_fail_at (ev, start, error, "pointers to something without a size cannot be "
                            "subtracted");
          memset (lhs, 0, sizeof *lhs);
          lhs->type = _hs_cexpr_builtin (BUILTIN_LONG);
          lhs->bits = (guint64) ((gint64) (a - b) / (gint64) element.size);
          return TRUE;
        }
      if (dr.kind == K_POINTER && op[0] == '-')
        return _hs_cexpr_fail_at (ev, start, error, "a pointer cannot be subtracted from a number");
      if (dr.kind == K_POINTER)
        {
          guint64 t = a;
          Desc td = dl;

          a = b;
          b = t;
          dl = dr;
          dr = td;
          pointer_type = rhs->type;
        }
      else
        pointer_type = lhs->type;
      if (!_hs_cexpr_describe (ev, dl.target, &element, error))
        return FALSE;
      {
        Desc was;

        /* A decayed array points at its element, not at the array. */
        if (!_hs_cexpr_describe (ev, pointer_type, &was, error))
          return FALSE;
        if (was.kind == K_ARRAY)
          {
            pointer_type = was.target;
            pointer_type.ptr++;
            if (!_hs_cexpr_describe (ev, was.target, &element, error))
              return FALSE;
          }
      }
      /* void * counts bytes, as GCC does. */
      b *= element.kind == K_VOID || !element.has_size ? 1 : element.size;
      memset (lhs, 0, sizeof *lhs);
      lhs->type = pointer_type;
      lhs->bits = op[0] == '+' ? a + b : a - b;
      return TRUE;
    }

  is_unsigned = (!dl.is_signed && dl.size >= 8) || (!dr.is_signed && dr.size >= 8)
                || dl.kind == K_POINTER || dr.kind == K_POINTER;
  result = is_unsigned ? BUILTIN_ULONG : BUILTIN_LONG;
  switch (op[0])
    {
    case '|': r = a | b; break;
    case '^': r = a ^ b; break;
    case '&': r = a & b; break;
    case '+': r = a + b; break;
    case '-': r = a - b; break;
    case '*': r = a * b; break;
    case '/':
    case '%':
      if (b == 0 && ev->dry > 0)
        {
          r = 0;
          break;
        }
      if (b == 0)
        return _hs_cexpr_fail_at (ev, start, error, "division by zero");
      if (is_unsigned)
        r = op[0] == '/' ? a / b : a % b;
      else if ((gint64) a == G_MININT64 && (gint64) b == -1)
        r = op[0] == '/' ? a : 0;
      else
        r = op[0] == '/' ? (guint64) ((gint64) a / (gint64) b)
                         : (guint64) ((gint64) a % (gint64) b);
      break;
    case '<':
    case '>':
      if (op[1] == op[0])
        {
          if (b >= 64)
            r = op[0] == '>' && !is_unsigned && (gint64) a < 0 ? G_MAXUINT64 : 0;
          else if (op[0] == '<')
            r = a << b;
          else
            r = is_unsigned ? a >> b : (guint64) ((gint64) a >> b);
          break;
        }
      {
        gboolean lt = is_unsigned ? a < b : (gint64) a < (gint64) b;
        gboolean eq = a == b;

        result = BUILTIN_INT;
        if (op[0] == '<')
          r = op[1] == '=' ? (lt || eq) : lt;
        else
          r = op[1] == '=' ? !lt : (!lt && !eq);
      }
      break;
    case '=':
    case '!':
      result = BUILTIN_INT;
      r = op[0] == '=' ? a == b : a != b;
      break;
    default:
      g_assert_not_reached ();
    }
  memset (lhs, 0, sizeof *lhs);
  lhs->type = _hs_cexpr_builtin (result);
  lhs->bits = r;
  return TRUE;
}

static gboolean
parse_binary (Eval    *ev,
              guint    level,
              Value   *out,
              GError **error)
{
  const char *start;

  _hs_cexpr_skip_space (ev);
  start = ev->p;
  if (level == N_LEVELS)
    return _hs_cexpr_parse_unary (ev, out, error);
  if (!parse_binary (ev, level + 1, out, error))
    return FALSE;
  for (guint n = 0;; n++)
    {
      const BinOp *found = NULL;
      Value rhs;

      if (n > 10000)
        return _hs_cexpr_fail_at (ev, start, error, "too long");
      for (guint i = 0; i < G_N_ELEMENTS (binops) && found == NULL; i++)
        if (binops[i].level == level && _hs_cexpr_accept (ev, binops[i].op))
          found = &binops[i];
      if (found == NULL)
        return TRUE;
      {
        Desc lhs;

        /* For the enum hint: "state == TASK_DEAD" names the left side's enumerators. */
        if (level == 5 || level == 6 || level == 8)
          _hs_cexpr_describe (ev, out->type, &lhs, NULL);
      }
      if (level <= 1)
        {
          /* && and || as C has them: "p && p->x" reads p->x only when p is not NULL. The
           * side not evaluated is still parsed, with reads answering zeros. */
          gboolean is_or = level == 0;
          Desc d;
          guint64 a, b = 0;
          gboolean decided, ok;

          if (!_hs_cexpr_load (ev, start, out, &d, &a, error))
            return FALSE;
          decided = is_or ? a != 0 : a == 0;
          if (decided)
            ev->dry++;
          ok = parse_binary (ev, level + 1, &rhs, error)
               && (decided || _hs_cexpr_load (ev, start, &rhs, &d, &b, error));
          if (decided)
            ev->dry--;
          if (!ok)
            return FALSE;
          memset (out, 0, sizeof *out);
          out->type = _hs_cexpr_builtin (BUILTIN_INT);
          out->bits = decided ? is_or : b != 0;
          continue;
        }
      if (!parse_binary (ev, level + 1, &rhs, error)
          || !binary (ev, start, found->op, out, &rhs, error))
        return FALSE;
    }
}

gboolean
_hs_cexpr_parse_expr (Eval    *ev,
                      Value   *out,
                      GError **error)
{
  gboolean ok;

  const char *start;

  _hs_cexpr_skip_space (ev);
  start = ev->p;
  if (++ev->depth > MAX_PARSE_DEPTH)
    return _hs_cexpr_fail_at (ev, ev->p, error, "nested more than %d deep", MAX_PARSE_DEPTH);
  ok = parse_binary (ev, 0, out, error);
  if (ok && _hs_cexpr_accept (ev, "?"))
    {
      /* cond ? a : b, the branch not taken parsed without reads, as && does. */
      Value other;
      Desc d;
      guint64 cond;

      ok = _hs_cexpr_load (ev, start, out, &d, &cond, error);
      if (ok)
        {
          if (cond == 0)
            ev->dry++;
          ok = _hs_cexpr_parse_expr (ev, cond != 0 ? out : &other, error);
          if (cond == 0)
            ev->dry--;
        }
      if (ok && !_hs_cexpr_accept (ev, ":"))
        ok = _hs_cexpr_fail_at (ev, start, error, "':' expected");
      if (ok)
        {
          if (cond != 0)
            ev->dry++;
          ok = _hs_cexpr_parse_expr (ev, cond != 0 ? &other : out, error);
          if (cond != 0)
            ev->dry--;
        }
    }
  ev->depth--;
  return ok;
}

static gboolean
parse_all (Eval    *ev,
           Value   *out,
           GError **error)
{
  if (!_hs_cexpr_parse_expr (ev, out, error))
    return FALSE;
  _hs_cexpr_skip_space (ev);
  if (*ev->p != 0)
    {
      const char *start = ev->p;

      ev->p += strlen (ev->p);
      return _hs_cexpr_fail_at (ev, start, error, "unexpected text after the expression");
    }
  return TRUE;
}


static void
eval_init (Eval                 *ev,
           const HsCexprContext *ctx,
           const char           *text)
{
  memset (ev, 0, sizeof *ev);
  ev->ctx = ctx;
  ev->text = text;
  ev->p = text;
  ev->max_depth = ctx->max_depth > 0 ? ctx->max_depth : 4;
  ev->max_elements = ctx->max_elements > 0 ? ctx->max_elements : 64;
}

/* @v, which @expression evaluated to, printed (hs_cexpr_print() and hs_cexpr_query()). */
static char *
print_parsed (Eval         *ev,
              const char   *expression,
              const Value  *v,
              GError      **error)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autofree guint8 *data = NULL;
  g_autoptr(GError) local = NULL;
  Desc d;
  guint64 length;

  if (!_hs_cexpr_describe (ev, v->type, &d, &local))
    return _hs_cexpr_fail_with (ev, expression, error, g_steal_pointer (&local)), NULL;

  if (v->code)
    {
      _hs_cexpr_print_pointer (ev, out, v->type, v->bits, FALSE);
      return g_string_free (g_steal_pointer (&out), FALSE);
    }
  if (!v->lvalue || _hs_cexpr_is_scalar (d.kind) || d.kind == K_FUNCTION)
    {
      guint64 bits;

      if (d.kind == K_FUNCTION)
        {
          _hs_cexpr_print_pointer (ev, out, _hs_cexpr_builtin (BUILTIN_ULONG), v->address, FALSE);
          return g_string_free (g_steal_pointer (&out), FALSE);
        }
      if (!_hs_cexpr_load (ev, expression, v, &d, &bits, error))
        return NULL;
      _hs_cexpr_print_scalar (ev, out, v->type, &d, bits, TRUE);
      return g_string_free (g_steal_pointer (&out), FALSE);
    }
  if (d.kind == K_ARRAY && !d.has_size && v->symbol_size > 0)
    {
      Desc element;

      /* An array declared without a size: the symbol's says how many elements it has. */
      if (_hs_cexpr_describe (ev, d.target, &element, NULL) && element.has_size && element.size > 0)
        {
          guint64 shown = MIN (v->symbol_size / element.size,
                               (guint64) ev->max_elements * (element.kind == K_CHAR ? 4 : 1));

          d.count = v->symbol_size / element.size;
          length = shown * element.size;
          if (length > HS_CEXPR_MAX_READ)
            return _hs_cexpr_fail_at (ev, expression, error, "%" G_GUINT64_FORMAT " bytes is too "
                                      "large to print; print an element", length), NULL;
          data = g_malloc (MAX (length, 1));
          if (!_hs_cexpr_read_bytes (ev, v->address, data, length, &local))
            return _hs_cexpr_fail_with (ev, expression, error, g_steal_pointer (&local)), NULL;
          _hs_cexpr_print_array (ev, out, &d, data, length, 0);
          return g_string_free (g_steal_pointer (&out), FALSE);
        }
    }
  if (!d.has_size)
    return _hs_cexpr_fail_at (ev, expression, error, "has no size to read"), NULL;
  length = MIN (d.size, _hs_cexpr_bytes_printed (ev, v->type, 0));
  if (length > HS_CEXPR_MAX_READ)
    return _hs_cexpr_fail_at (ev, expression, error, "%" G_GUINT64_FORMAT " bytes is too large to "
                    "print; print a member or an element", length), NULL;
  data = g_malloc (length);
  if (!_hs_cexpr_read_bytes (ev, v->address, data, length, &local))
    return _hs_cexpr_fail_with (ev, expression, error, g_steal_pointer (&local)), NULL;
  _hs_cexpr_print_object (ev, out, v->type, data, length, 0, TRUE);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

char *
hs_cexpr_print (const HsCexprContext  *context,
                const char            *expression,
                GError               **error)
{
  Eval ev;
  Value v;

  g_return_val_if_fail (context != NULL && HS_IS_SYMBOL_FILE (context->file), NULL);
  g_return_val_if_fail (context->read != NULL, NULL);
  g_return_val_if_fail (expression != NULL, NULL);

  eval_init (&ev, context, expression);
  if (!parse_all (&ev, &v, error))
    return NULL;
  ev.p = expression + strlen (expression);
  return print_parsed (&ev, expression, &v, error);
}

/* The characters at @address up to the NUL, at most @limit of them. Pieces end at 256-byte
 * boundaries, so that none crosses into an unmapped page the string does not reach, and each is
 * one block of the engine's read cache. A piece that cannot be read is halved for good and
 * tried again, for memory that ends inside a page (an MMIO window, a test's buffer), down to one
 * byte, which ends the string: at most 9 reads fail. */
#define STRING_PIECE 256u

static char *
read_string (Eval        *ev,
             const char  *expression,
             guint64      address,
             guint64      limit,
             GError     **error)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GError) first = NULL;
  gboolean any = FALSE;
  guint piece = STRING_PIECE;

  limit = MIN (limit, (guint64) HS_CEXPR_MAX_STRING);
  while (text->len < limit)
    {
      guint8 buffer[STRING_PIECE];
      guint64 at = address + text->len;
      gsize len = MIN ((guint64) piece - (at % piece), limit - text->len);
      g_autoptr(GError) local = NULL;
      gsize i;

      if (at < address)
        break;
      if (!_hs_cexpr_read_bytes (ev, at, buffer, len, &local))
        {
          if (first == NULL)
            first = g_steal_pointer (&local);
          if (piece == 1)
            break;
          piece /= 2;
          continue;
        }
      any = TRUE;
      for (i = 0; i < len && buffer[i] != 0; i++)
        g_string_append_c (text, (char) buffer[i]);
      if (i < len)
        break;
    }
  if (!any && first != NULL)
    return _hs_cexpr_fail_with (ev, expression, error, g_steal_pointer (&first)), NULL;
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* HS_CEXPR_STRING for @v: a char array's or char pointer's characters, else @v printed. */
static char *
query_string (Eval         *ev,
              const char   *expression,
              const Value  *v,
              const Desc   *d,
              GError      **error)
{
  Desc element;
  guint64 address, limit = HS_CEXPR_MAX_STRING;

  if (v->code || (d->kind != K_ARRAY && d->kind != K_POINTER)
      || !_hs_cexpr_describe (ev, d->target, &element, NULL)
      || element.kind != K_CHAR || element.size != 1)
    return print_parsed (ev, expression, v, error);
  if (d->kind == K_ARRAY)
    {
      if (!v->lvalue)
        return print_parsed (ev, expression, v, error);
      address = v->address;
      /* An array declared without a size ends where its symbol does. */
      if (d->count > 0)
        limit = d->count;
      else if (v->symbol_size > 0)
        limit = v->symbol_size;
    }
  else
    {
      Desc loaded;

      if (!_hs_cexpr_load (ev, expression, v, &loaded, &address, error))
        return NULL;
      if (address == 0)
        return _hs_cexpr_fail_at (ev, expression, error, "is a NULL pointer"), NULL;
    }
  return read_string (ev, expression, address, limit, error);
}

gboolean
hs_cexpr_query (const HsCexprContext  *context,
                const char            *expression,
                HsCexprQuery           query,
                guint64               *number,
                char                 **text,
                GError               **error)
{
  g_autoptr(GError) local = NULL;
  Eval ev;
  Value v;
  Desc d;

  g_return_val_if_fail (context != NULL && HS_IS_SYMBOL_FILE (context->file), FALSE);
  g_return_val_if_fail (context->read != NULL, FALSE);
  g_return_val_if_fail (expression != NULL, FALSE);
  g_return_val_if_fail (query <= HS_CEXPR_EXISTS, FALSE);
  g_return_val_if_fail (query == HS_CEXPR_STRING ? text != NULL : number != NULL, FALSE);

  if (number != NULL)
    *number = 0;
  if (text != NULL)
    *text = NULL;
  eval_init (&ev, context, expression);
  if (query == HS_CEXPR_EXISTS)
    {
      /* Existence is the names', not the values': the whole expression is parsed as the side
       * of && that C skips, every read answering zeros, so a pointer's value cannot matter. */
      ev.dry = 1;
      *number = parse_all (&ev, &v, NULL) && _hs_cexpr_describe (&ev, v.type, &d, NULL);
      return TRUE;
    }
  if (!parse_all (&ev, &v, error))
    return FALSE;
  ev.p = expression + strlen (expression);
  if (!_hs_cexpr_describe (&ev, v.type, &d, &local))
    return _hs_cexpr_fail_with (&ev, expression, error, g_steal_pointer (&local));

  switch (query)
    {
    case HS_CEXPR_VALUE:
      if (v.code)
        {
          *number = v.bits;
          return TRUE;
        }
      if (d.kind == K_STRUCT || d.kind == K_UNION)
        {
          g_autofree char *spelled = _hs_cexpr_spell (&ev, v.type);

          return _hs_cexpr_fail_at (&ev, expression, error, "is %s: name a member", spelled);
        }
      /* Arrays and functions decay to their address; bit-fields and signed types are
       * extended as C widens them. */
      return _hs_cexpr_load (&ev, expression, &v, &d, number, error);

    case HS_CEXPR_ADDRESS:
      if (v.code)
        {
          *number = v.bits;
          return TRUE;
        }
      if (!v.lvalue)
        return _hs_cexpr_fail_at (&ev, expression, error, "is not in memory, so it has no "
                                  "address");
      if (v.bit_size > 0)
        return _hs_cexpr_fail_at (&ev, expression, error, "is a bit-field, which has no "
                                  "address");
      *number = v.address;
      return TRUE;

    case HS_CEXPR_SIZEOF:
      if (v.code || d.kind == K_FUNCTION)
        return _hs_cexpr_fail_at (&ev, expression, error, "is a function, which has no size");
      if (d.kind == K_ARRAY && !d.has_size && v.symbol_size > 0)
        {
          *number = v.symbol_size;
          return TRUE;
        }
      if (!d.has_size)
        {
          g_autofree char *spelled = _hs_cexpr_spell (&ev, v.type);

          return _hs_cexpr_fail_at (&ev, expression, error, "%s has no size", spelled);
        }
      *number = d.size;
      return TRUE;

    case HS_CEXPR_STRING:
      *text = query_string (&ev, expression, &v, &d, error);
      return *text != NULL;

    case HS_CEXPR_EXISTS:
    default:
      g_assert_not_reached ();
    }
}

/* @text as a value for @target: an enumerator's name, else an expression. */
static gboolean
assigned_value (Eval        *ev,
                const Desc  *target,
                const char  *text,
                guint64     *bits,
                GError     **error)
{
  g_autofree char *name = g_strstrip (g_strdup (text));
  Value v;
  Desc d;

  if (target->kind == K_ENUM)
    {
      g_autoptr(GArray) values = hs_symbol_file_get_enumerators (ev->ctx->file, target->die,
                                                                 NULL);

      for (guint i = 0; values != NULL && i < values->len; i++)
        if (g_strcmp0 (g_array_index (values, HsTypeEnumerator, i).name, name) == 0)
          {
            *bits = (guint64) g_array_index (values, HsTypeEnumerator, i).value;
            return TRUE;
          }
    }
  if (target->kind == K_BOOL && (strcmp (name, "true") == 0 || strcmp (name, "false") == 0))
    {
      *bits = name[0] == 't';
      return TRUE;
    }
  eval_init (ev, ev->ctx, text);
  if (!parse_all (ev, &v, error) || !_hs_cexpr_load (ev, text, &v, &d, bits, error))
    return FALSE;
  return TRUE;
}

gboolean
hs_cexpr_assign (const HsCexprContext  *context,
                 const char            *target,
                 const char            *value,
                 guint64               *address,
                 GBytes               **bytes,
                 GError               **error)
{
  g_autoptr(GError) local = NULL;
  guint8 buffer[16] = { 0 };
  Eval ev;
  Value v;
  Desc d;
  guint64 bits, width;
  gsize n;

  g_return_val_if_fail (context != NULL && HS_IS_SYMBOL_FILE (context->file), FALSE);
  g_return_val_if_fail (target != NULL && value != NULL, FALSE);
  g_return_val_if_fail (address != NULL && bytes != NULL, FALSE);

  eval_init (&ev, context, target);
  if (!parse_all (&ev, &v, error))
    return FALSE;
  if (!_hs_cexpr_describe (&ev, v.type, &d, &local))
    return _hs_cexpr_fail_with (&ev, target, error, g_steal_pointer (&local));
  if (!v.lvalue)
    return _hs_cexpr_fail_at (&ev, target, error, "is not something in memory: it cannot be set");
  if (!_hs_cexpr_is_scalar (d.kind) || d.size == 0 || d.size > 8)
    {
      g_autofree char *spelled = _hs_cexpr_spell (&ev, v.type);

      return _hs_cexpr_fail_at (&ev, target, error, "is %s: only integers, enums, bools and pointers can "
                      "be set; set its members one by one", spelled);
    }
  {
    Eval rhs = ev;

    if (!assigned_value (&rhs, &d, value, &bits, &local))
      {
        g_propagate_error (error, g_steal_pointer (&local));
        return FALSE;
      }
  }

  /* The value must fit the field, as a signed or an unsigned number. */
  width = v.bit_size > 0 ? v.bit_size : d.size * 8;
  if (width < 64)
    {
      gint64 s = (gint64) bits;
      gboolean fits_unsigned = bits < (G_GUINT64_CONSTANT (1) << width);
      gboolean fits_signed = s >= -(G_GINT64_CONSTANT (1) << (width - 1))
                             && s < (G_GINT64_CONSTANT (1) << (width - 1));

      if (!fits_unsigned && !fits_signed)
        {
          g_autofree char *spelled = _hs_cexpr_spell (&ev, v.type);

          return _hs_cexpr_fail_at (&ev, target, error, "%s does not fit in %s (%" G_GUINT64_FORMAT
                          " bits)", value, spelled, width);
        }
    }

  if (v.bit_size > 0)
    {
      n = (v.bit_offset + v.bit_size + 7) / 8;
      if (n > 8)
        return _hs_cexpr_fail_at (&ev, target, error, "a bit-field across 9 bytes cannot be set");
      if (!_hs_cexpr_read_bytes (&ev, v.address, buffer, n, &local))
        return _hs_cexpr_fail_with (&ev, target, error, g_steal_pointer (&local));
      for (guint i = 0; i < v.bit_size; i++)
        {
          guint bit = v.bit_offset + i;

          if ((bits >> i) & 1)
            buffer[bit / 8] |= 1u << (bit % 8);
          else
            buffer[bit / 8] &= ~(1u << (bit % 8));
        }
    }
  else
    {
      n = d.size;
      for (gsize i = 0; i < n; i++)
        buffer[i] = (bits >> (8 * i)) & 0xff;
    }
  *address = v.address;
  *bytes = g_bytes_new (buffer, n);
  return TRUE;
}

char *
hs_cexpr_format_value (const HsCexprContext *context,
                       guint64               type_die,
                       const guint8         *data,
                       gsize                 length)
{
  GString *out = g_string_new (NULL);
  Eval ev;

  g_return_val_if_fail (context != NULL && HS_IS_SYMBOL_FILE (context->file), NULL);
  g_return_val_if_fail (data != NULL || length == 0, NULL);

  eval_init (&ev, context, "");
  _hs_cexpr_print_object (&ev, out, _hs_cexpr_ctype (type_die), data, length, 0, TRUE);
  return g_string_free (out, FALSE);
}
