/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-cexpr-value.c: the evaluator's errors, its view of types, reading and decoding
 * memory, lexing, and type names in casts and sizeof (see hs-cexpr-private.h).
 */
#define G_LOG_DOMAIN "hs-cexpr"

#include "config.h"

#include "hs-cexpr-private.h"

#include <errno.h>
#include <string.h>

const BuiltinInfo _hs_cexpr_builtins[] = {
  [BUILTIN_INT] = { "int", 4, TRUE },
  [BUILTIN_LONG] = { "long", 8, TRUE },
  [BUILTIN_ULONG] = { "unsigned long", 8, FALSE },
  [BUILTIN_UINT] = { "unsigned int", 4, FALSE },
  [BUILTIN_SHORT] = { "short", 2, TRUE },
  [BUILTIN_USHORT] = { "unsigned short", 2, FALSE },
  [BUILTIN_SCHAR] = { "signed char", 1, TRUE },
  [BUILTIN_UCHAR] = { "unsigned char", 1, FALSE },
  [BUILTIN_BOOL] = { "_Bool", 1, FALSE },
};

Builtin
_hs_cexpr_builtin_named (const char *c)
{
  static const struct { const char *name; Builtin b; } names[] = {
    { "int", BUILTIN_INT }, { "signed", BUILTIN_INT }, { "signed int", BUILTIN_INT },
    { "long", BUILTIN_LONG }, { "long int", BUILTIN_LONG }, { "long long", BUILTIN_LONG },
    { "long long int", BUILTIN_LONG }, { "signed long", BUILTIN_LONG },
    { "unsigned long", BUILTIN_ULONG }, { "long unsigned int", BUILTIN_ULONG },
    { "unsigned long long", BUILTIN_ULONG }, { "long long unsigned int", BUILTIN_ULONG },
    { "unsigned", BUILTIN_UINT }, { "unsigned int", BUILTIN_UINT },
    { "short", BUILTIN_SHORT }, { "short int", BUILTIN_SHORT },
    { "unsigned short", BUILTIN_USHORT }, { "short unsigned int", BUILTIN_USHORT },
    { "signed char", BUILTIN_SCHAR }, { "unsigned char", BUILTIN_UCHAR },
    { "char", BUILTIN_UCHAR }, { "_Bool", BUILTIN_BOOL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (strcmp (c, names[i].name) == 0)
      return names[i].b;
  return BUILTIN_NONE;
}

/* ------------------------------------------------------------------------------------------ */
/* Errors                                                                                     */

/* Fails with the part of the expression from @start to where the parser is. */
gboolean
_hs_cexpr_fail_at (Eval        *ev,
                   const char  *start,
                   GError     **error,
                   const char  *format,
                   ...)
{
  g_autofree char *message = NULL;
  g_autofree char *part = NULL;
  const char *end = ev->p;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  while (end > start && g_ascii_isspace (end[-1]))
    end--;
  part = end > start ? g_strndup (start, end - start) : g_strdup (ev->text);
  g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_INVALID, "%s%s: %s",
               ev->ctx->prefix ? ev->ctx->prefix : "", part, message);
  return FALSE;
}

/* The same with a GError from below (its domain and code are kept). */
gboolean
_hs_cexpr_fail_with (Eval        *ev,
                     const char  *start,
                     GError     **error,
                     GError      *cause)
{
  g_autofree char *part = NULL;
  const char *end = ev->p;

  while (end > start && g_ascii_isspace (end[-1]))
    end--;
  part = end > start ? g_strndup (start, end - start) : g_strdup (ev->text);
  g_prefix_error (&cause, "%s%s: ", ev->ctx->prefix ? ev->ctx->prefix : "", part);
  g_propagate_error (error, cause);
  return FALSE;
}

/* ------------------------------------------------------------------------------------------ */
/* Types                                                                                      */

CType
_hs_cexpr_ctype (guint64 die)
{
  return (CType) { die, 0, 0, BUILTIN_NONE };
}

CType
_hs_cexpr_builtin (Builtin b)
{
  return (CType) { 0, 0, 0, b };
}

gboolean
_hs_cexpr_describe (Eval        *ev,
                    CType        t,
                    Desc        *d,
                    GError     **error)
{
  HsSymbolFile *file = ev->ctx->file;
  g_auto(HsTypeInfo) info = { 0 };
  guint64 stripped;

  memset (d, 0, sizeof *d);
  if (t.ptr > 0)
    {
      d->kind = K_POINTER;
      d->has_size = TRUE;
      d->size = 8;
      d->target = t;
      d->target.ptr--;
      return TRUE;
    }
  if (t.builtin != BUILTIN_NONE)
    {
      d->kind = t.builtin == BUILTIN_BOOL                                       ? K_BOOL
                : t.builtin == BUILTIN_SCHAR || t.builtin == BUILTIN_UCHAR ? K_CHAR
                                                                                : K_INT;
      d->has_size = TRUE;
      d->size = _hs_cexpr_builtins[t.builtin].size;
      d->is_signed = _hs_cexpr_builtins[t.builtin].is_signed;
      return TRUE;
    }
  if (!hs_symbol_file_strip_type (file, t.die, &stripped, error)
      || !hs_symbol_file_get_type_info (file, stripped, &info, error))
    return FALSE;
  d->die = stripped;
  d->has_size = info.has_size;
  d->size = info.size;
  switch (info.kind)
    {
    case HS_TYPE_VOID:
      d->kind = K_VOID;
      break;
    case HS_TYPE_BASE:
      switch (info.encoding)
        {
        case HS_TYPE_ENCODING_BOOL:
          d->kind = K_BOOL;
          break;
        case HS_TYPE_ENCODING_FLOAT:
          d->kind = K_FLOAT;
          d->is_signed = TRUE;
          break;
        case HS_TYPE_ENCODING_SIGNED_CHAR:
        case HS_TYPE_ENCODING_UNSIGNED_CHAR:
          d->kind = info.size == 1 ? K_CHAR : K_INT;
          d->is_signed = info.encoding == HS_TYPE_ENCODING_SIGNED_CHAR;
          break;
        default:
          d->kind = K_INT;
          d->is_signed = info.encoding == HS_TYPE_ENCODING_SIGNED;
          break;
        }
      break;
    case HS_TYPE_ENUM:
      d->kind = K_ENUM;
      ev->enum_hint = stripped;
      d->is_signed = info.encoding == HS_TYPE_ENCODING_SIGNED
                     || info.encoding == HS_TYPE_ENCODING_SIGNED_CHAR;
      break;
    case HS_TYPE_POINTER:
      d->kind = K_POINTER;
      d->target = _hs_cexpr_ctype (info.target);
      if (!d->has_size)
        {
          d->has_size = TRUE;
          d->size = 8;
        }
      break;
    case HS_TYPE_STRUCT:
      d->kind = K_STRUCT;
      break;
    case HS_TYPE_UNION:
      d->kind = K_UNION;
      break;
    case HS_TYPE_FUNCTION:
      d->kind = K_FUNCTION;
      d->has_size = FALSE;
      break;
    case HS_TYPE_ARRAY:
      {
        Desc element;
        guint64 total;
        gboolean ok;

        d->kind = K_ARRAY;
        if (t.skip >= info.n_dims)
          {
            g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_CORRUPT,
                         "an array type with fewer dimensions than it was indexed with");
            return FALSE;
          }
        d->count = info.dims[t.skip];
        if (t.skip + 1 < info.n_dims)
          d->target = (CType) { stripped, t.skip + 1, 0, BUILTIN_NONE };
        else
          d->target = _hs_cexpr_ctype (info.target);
        /* An array whose element is (through typedefs) itself is corrupt DWARF. */
        if (ev->describing > HS_TYPE_MAX_DIMS * 4)
          {
            g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_CORRUPT,
                         "%s: arrays nest more than %d deep (corrupt DWARF?)", info.spelling,
                         HS_TYPE_MAX_DIMS * 4);
            return FALSE;
          }
        ev->describing++;
        ok = _hs_cexpr_describe (ev, d->target, &element, error);
        ev->describing--;
        if (!ok)
          return FALSE;
        d->has_size = element.has_size && d->count > 0
                      && g_uint64_checked_mul (&total, element.size, d->count);
        d->size = d->has_size ? total : 0;
      }
      break;
    default:
      g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_UNSUPPORTED,
                   "%s is a type this evaluator does not handle", info.spelling);
      return FALSE;
    }
  return TRUE;
}

/* The C spelling of @t: "struct task_struct *", "short int[3][4]", "long". */
char *
_hs_cexpr_spell (Eval  *ev,
                 CType  t)
{
  GString *s = g_string_new (NULL);

  if (t.builtin != BUILTIN_NONE)
    g_string_append (s, _hs_cexpr_builtins[t.builtin].name);
  else if (t.skip == 0)
    {
      g_auto(HsTypeInfo) info = { 0 };

      if (hs_symbol_file_get_type_info (ev->ctx->file, t.die, &info, NULL))
        g_string_append (s, info.spelling);
      else
        g_string_append (s, "<unreadable type>");
    }
  else
    {
      g_auto(HsTypeInfo) info = { 0 };
      g_auto(HsTypeInfo) element = { 0 };

      if (hs_symbol_file_get_type_info (ev->ctx->file, t.die, &info, NULL)
          && hs_symbol_file_get_type_info (ev->ctx->file, info.target, &element, NULL))
        {
          g_string_append (s, element.spelling);
          for (guint i = t.skip; i < info.n_dims; i++)
            g_string_append_printf (s, "[%" G_GUINT64_FORMAT "]", info.dims[i]);
        }
      else
        g_string_append (s, "<unreadable type>");
    }
  if (t.ptr > 0)
    {
      const char *bracket = strchr (s->str, '[');
      g_autoptr(GString) stars = g_string_new (NULL);

      for (guint i = 0; i < t.ptr; i++)
        g_string_append_c (stars, '*');
      /* A pointer to an array: "short int (*)[3][4]". */
      if (bracket != NULL)
        {
          gsize at = bracket - s->str;

          g_string_insert (s, at, ")");
          g_string_insert (s, at, stars->str);
          g_string_insert (s, at, " (");
        }
      else
        {
          if (s->len > 0 && s->str[s->len - 1] != '*')
            g_string_append_c (s, ' ');
          g_string_append (s, stars->str);
        }
    }
  return g_string_free (s, FALSE);
}

gboolean
_hs_cexpr_is_scalar (Kind k)
{
  return k == K_INT || k == K_CHAR || k == K_BOOL || k == K_ENUM || k == K_POINTER;
}

/* ------------------------------------------------------------------------------------------ */
/* Memory                                                                                     */

gboolean
_hs_cexpr_read_bytes (Eval     *ev,
                      guint64   address,
                      guint8   *buffer,
                      gsize     length,
                      GError  **error)
{
  if (ev->dry > 0)
    {
      memset (buffer, 0, length);
      return TRUE;
    }
  if (length > HS_CEXPR_MAX_READ - MIN (ev->read_total, HS_CEXPR_MAX_READ))
    {
      g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_INVALID,
                   "this would read more than %u bytes in all: print a member or an element",
                   HS_CEXPR_MAX_READ);
      return FALSE;
    }
  if (length > 0 && address > G_MAXUINT64 - (length - 1))
    {
      g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_INVALID,
                   "%" G_GSIZE_FORMAT " bytes at 0x%" G_GINT64_MODIFIER "x run past the end of "
                   "the address space", length, address);
      return FALSE;
    }
  ev->read_total += length;
  if (ev->ctx->read == NULL)
    {
      g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_INVALID, "no memory to read");
      return FALSE;
    }
  return ev->ctx->read (address, buffer, length, ev->ctx->read_data, error);
}

static guint64
sign_extend (guint64 bits,
             guint   width)
{
  if (width == 0 || width >= 64)
    return bits;
  bits &= (G_GUINT64_CONSTANT (1) << width) - 1;
  if (bits & (G_GUINT64_CONSTANT (1) << (width - 1)))
    bits |= ~((G_GUINT64_CONSTANT (1) << width) - 1);
  return bits;
}

guint64
_hs_cexpr_truncate_to (guint64  bits,
                       guint    width,
                       gboolean is_signed)
{
  if (width >= 64)
    return bits;
  if (is_signed)
    return sign_extend (bits, width);
  return bits & ((G_GUINT64_CONSTANT (1) << width) - 1);
}

/* An integer of @size bytes (little-endian) at @data, or the bit-field in it. */
guint64
_hs_cexpr_decode (const guint8 *data,
                  gsize         size,
                  guint         bit_offset,
                  guint         bit_size,
                  gboolean      is_signed)
{
  guint64 bits = 0;

  if (bit_size > 0)
    {
      /* The field's bytes: at most 9 when a 64-bit field starts at bit 7. */
      guint n = (bit_offset + bit_size + 7) / 8;
      guint64 lo = 0;
      guint8 hi = 0;

      for (guint i = 0; i < MIN (n, 8); i++)
        lo |= (guint64) data[i] << (8 * i);
      if (n > 8)
        hi = data[8];
      bits = lo >> bit_offset;
      if (bit_offset > 0 && n > 8)
        bits |= (guint64) hi << (64 - bit_offset);
      return _hs_cexpr_truncate_to (bits, bit_size, is_signed);
    }
  for (gsize i = 0; i < MIN (size, 8); i++)
    bits |= (guint64) data[i] << (8 * i);
  return _hs_cexpr_truncate_to (bits, MIN (size, 8) * 8, is_signed);
}

/* The scalar value of @v (arrays decay to their address). */
gboolean
_hs_cexpr_load (Eval        *ev,
                const char  *start,
                const Value *v,
                Desc        *d,
                guint64     *bits,
                GError     **error)
{
  guint8 buffer[16];
  gsize n;
  g_autoptr(GError) local = NULL;

  if (!_hs_cexpr_describe (ev, v->type, d, error))
    return FALSE;
  if (d->kind == K_ARRAY && v->lvalue)
    {
      /* Decays to a pointer to its first element. */
      d->kind = K_POINTER;
      d->size = 8;
      *bits = v->address;
      return TRUE;
    }
  if (d->kind == K_FUNCTION && v->lvalue)
    {
      *bits = v->address;
      return TRUE;
    }
  if (!_hs_cexpr_is_scalar (d->kind))
    {
      g_autofree char *spelled = _hs_cexpr_spell (ev, v->type);

      return _hs_cexpr_fail_at (ev, start, error, "%s is not a number or a pointer", spelled);
    }
  if (!v->lvalue)
    {
      *bits = v->bits;
      return TRUE;
    }
  n = v->bit_size > 0 ? (v->bit_offset + v->bit_size + 7) / 8 : d->size;
  if (n == 0 || n > sizeof buffer || (v->bit_size == 0 && n > 8))
    {
      g_autofree char *spelled = _hs_cexpr_spell (ev, v->type);

      return _hs_cexpr_fail_at (ev, start, error, "%s is %" G_GSIZE_FORMAT " bytes: not a scalar this "
                      "evaluator reads", spelled, n);
    }
  if (!_hs_cexpr_read_bytes (ev, v->address, buffer, n, &local))
    return _hs_cexpr_fail_with (ev, start, error, g_steal_pointer (&local));
  *bits = _hs_cexpr_decode (buffer, n, v->bit_offset, v->bit_size, d->is_signed);
  return TRUE;
}

/* ------------------------------------------------------------------------------------------ */
/* Lexing                                                                                     */

void
_hs_cexpr_skip_space (Eval *ev)
{
  while (g_ascii_isspace (*ev->p))
    ev->p++;
}

gboolean
_hs_cexpr_accept (Eval       *ev,
                  const char *token)
{
  gsize len = strlen (token);

  _hs_cexpr_skip_space (ev);
  if (strncmp (ev->p, token, len) != 0)
    return FALSE;
  /* "<" is not the start of "<<", nor "&" of "&&". */
  if (len == 1 && strchr ("<>&|=", token[0]) != NULL && ev->p[1] != 0
      && (ev->p[1] == token[0] || (ev->p[1] == '=' && token[0] != '=')))
    return FALSE;
  ev->p += len;
  return TRUE;
}

/* An identifier at the parser's position, not consumed. */
static char *
peek_identifier (Eval        *ev,
                 const char **after)
{
  const char *q;

  _hs_cexpr_skip_space (ev);
  q = ev->p;
  if (!(g_ascii_isalpha (*q) || *q == '_'))
    return NULL;
  while (g_ascii_isalnum (*q) || *q == '_')
    q++;
  if (after != NULL)
    *after = q;
  return g_strndup (ev->p, q - ev->p);
}

char *
_hs_cexpr_take_identifier (Eval *ev)
{
  const char *after;
  char *name = peek_identifier (ev, &after);

  if (name != NULL)
    ev->p = after;
  return name;
}

/* ------------------------------------------------------------------------------------------ */
/* Type names (casts and sizeof)                                                              */

static gboolean
is_type_keyword (const char *word)
{
  static const char *const keywords[] = {
    "struct", "union", "enum", "const", "volatile", "unsigned", "signed", "void", "char",
    "short", "int", "long", "_Bool", "float", "double",
  };

  for (guint i = 0; i < G_N_ELEMENTS (keywords); i++)
    if (strcmp (word, keywords[i]) == 0)
      return TRUE;
  return FALSE;
}

/* GCC names base types its own way: "unsigned long" is "long unsigned int". */
static const char *
gcc_spelling (const char *c)
{
  static const struct { const char *c, *gcc; } names[] = {
    { "unsigned", "unsigned int" },
    { "signed", "int" },
    { "signed int", "int" },
    { "long", "long int" },
    { "signed long", "long int" },
    { "unsigned long", "long unsigned int" },
    { "long unsigned", "long unsigned int" },
    { "long long", "long long int" },
    { "unsigned long long", "long long unsigned int" },
    { "short", "short int" },
    { "unsigned short", "short unsigned int" },
    { "unsigned char", "unsigned char" },
    { "signed char", "signed char" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (strcmp (c, names[i].c) == 0)
      return names[i].gcc;
  return c;
}

/* Whether a type name starts at the parser's position (after a '(' or "sizeof ("). */
gboolean
_hs_cexpr_type_follows (Eval *ev)
{
  const char *after;
  g_autofree char *word = peek_identifier (ev, &after);
  HsSymbol sym;
  guint64 die;

  if (word == NULL)
    return FALSE;
  if (is_type_keyword (word))
    return TRUE;
  while (g_ascii_isspace (*after))
    after++;
  if (*after != '*' && *after != ')')
    return FALSE;
  /* A name that is both a variable and a typedef is the variable, as in C's scope rules for
   * the globals it sees most. The ELF symbol table answers at once; a DWARF miss would first
   * look for a "did you mean" among every variable of a vmlinux. */
  if (hs_symbol_file_lookup (ev->ctx->file, word, &sym) && sym.kind == HS_SYMBOL_OBJECT)
    return FALSE;
  return hs_symbol_file_find_type (ev->ctx->file, word, &die, NULL);
}

gboolean
_hs_cexpr_parse_type (Eval    *ev,
                      CType   *out,
                      GError **error)
{
  const char *start = ev->p;
  g_autoptr(GString) name = g_string_new (NULL);
  gboolean tagged = FALSE;
  g_autoptr(GError) local = NULL;
  guint words = 0;
  guint64 die = 0;

  for (;;)
    {
      const char *after;
      g_autofree char *word = peek_identifier (ev, &after);

      if (word == NULL)
        break;
      if (strcmp (word, "const") == 0 || strcmp (word, "volatile") == 0)
        {
          ev->p = after;
          continue;
        }
      /* After "struct x" or a typedef name, a further word is not part of the type. */
      if (words > 0 && (tagged ? words >= 2 : !is_type_keyword (word)))
        break;
      if (words > 0 && !tagged && !is_type_keyword (name->str))
        break;
      if (words == 0 && (strcmp (word, "struct") == 0 || strcmp (word, "union") == 0
                         || strcmp (word, "enum") == 0))
        tagged = TRUE;
      if (name->len > 0)
        g_string_append_c (name, ' ');
      g_string_append (name, word);
      ev->p = after;
      words++;
      if (words > 8)
        return _hs_cexpr_fail_at (ev, start, error, "not a type name");
    }
  if (words == 0 || (tagged && words < 2))
    return _hs_cexpr_fail_at (ev, start, error, "a type name was expected");
  if (strcmp (name->str, "void") == 0)
    *out = _hs_cexpr_ctype (0);
  else if (hs_symbol_file_find_type (ev->ctx->file, gcc_spelling (name->str), &die, &local))
    *out = _hs_cexpr_ctype (die);
  else if (_hs_cexpr_builtin_named (name->str) != BUILTIN_NONE)
    *out = _hs_cexpr_builtin (_hs_cexpr_builtin_named (name->str));
  else
    return _hs_cexpr_fail_with (ev, start, error, g_steal_pointer (&local));
  if (tagged && g_str_has_prefix (name->str, "enum "))
    ev->enum_hint = die;
  for (;;)
    {
      g_autofree char *word = NULL;
      const char *after;

      if (_hs_cexpr_accept (ev, "*"))
        {
          if (++out->ptr > 8)
            return _hs_cexpr_fail_at (ev, start, error, "too many levels of pointer");
          continue;
        }
      word = peek_identifier (ev, &after);
      if (word != NULL && (strcmp (word, "const") == 0 || strcmp (word, "volatile") == 0))
        {
          ev->p = after;
          continue;
        }
      break;
    }
  return TRUE;
}
