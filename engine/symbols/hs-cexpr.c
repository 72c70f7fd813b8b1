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

#include "hs-cexpr.h"

#include <errno.h>
#include <string.h>

#define MAX_PARSE_DEPTH 64

/* C's integer types, for literals and results, and for casts to a type the file's DWARF never
 * needed (a program without an "unsigned short" has no DIE for it). */
typedef enum
{
  BUILTIN_NONE,
  BUILTIN_INT,          /* comparisons, !, character literals */
  BUILTIN_LONG,         /* integer literals and signed arithmetic */
  BUILTIN_ULONG,        /* unsigned arithmetic, sizeof */
  BUILTIN_UINT,
  BUILTIN_SHORT,
  BUILTIN_USHORT,
  BUILTIN_SCHAR,
  BUILTIN_UCHAR,
  BUILTIN_BOOL,
} Builtin;

static const struct
{
  const char *name;     /* as spelled; GCC's DWARF name is looked up first */
  guint size;
  gboolean is_signed;
} builtins[] = {
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

static Builtin
builtin_named (const char *c)
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

/* @ptr levels of pointer to (@die, or @builtin, with its first @skip dimensions removed). */
typedef struct
{
  guint64 die;
  guint skip;
  guint ptr;
  Builtin builtin;
} CType;

typedef enum
{
  K_VOID,
  K_INT,
  K_CHAR,
  K_BOOL,
  K_FLOAT,
  K_ENUM,
  K_POINTER,
  K_STRUCT,
  K_UNION,
  K_ARRAY,
  K_FUNCTION,
} Kind;

typedef struct
{
  Kind kind;
  gboolean is_signed;
  gboolean has_size;
  guint64 size;
  guint64 die;          /* the stripped DIE: struct, union, enum */
  CType target;         /* pointer: what it points to; array: its element */
  guint64 count;        /* array: elements in the first remaining dimension (0: unknown) */
} Desc;

typedef struct
{
  CType type;
  gboolean lvalue;
  guint64 address;      /* lvalue */
  guint bit_offset;     /* lvalue bit-field */
  guint bit_size;
  guint64 bits;         /* rvalue: the integer or pointer, two's complement */
  gboolean code;        /* a function's name alone: printed as its address and name */
  guint64 symbol_size;  /* a variable's name alone: the size its symbol gives, for
                         * "extern const char linux_banner[]", whose type has none */
} Value;

typedef struct
{
  const HsCexprContext *ctx;
  const char *text;
  const char *p;
  guint depth;
  guint dry;            /* > 0: parsing the side of && or || C does not evaluate */
  guint describing;     /* describe() inside describe(): arrays of arrays, bounded */
  guint64 enum_hint;    /* the last enum type met: its enumerators are names here, as in
                         * "system_state == SYSTEM_RUNNING" (the file has no index of them) */
  guint64 read_total;
  guint items;
  guint max_depth;
  guint max_elements;
} Eval;

static gboolean parse_expr (Eval *ev, Value *out, GError **error);
static gboolean parse_unary (Eval *ev, Value *out, GError **error);

/* ------------------------------------------------------------------------------------------ */
/* Errors                                                                                     */

/* Fails with the part of the expression from @start to where the parser is. */
static gboolean G_GNUC_PRINTF (4, 5)
fail_at (Eval        *ev,
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
static gboolean
fail_with (Eval        *ev,
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

static CType
ctype (guint64 die)
{
  return (CType) { die, 0, 0, BUILTIN_NONE };
}

static CType
builtin (Builtin b)
{
  return (CType) { 0, 0, 0, b };
}

static gboolean
describe (Eval        *ev,
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
      d->size = builtins[t.builtin].size;
      d->is_signed = builtins[t.builtin].is_signed;
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
      d->target = ctype (info.target);
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
          d->target = ctype (info.target);
        /* An array whose element is (through typedefs) itself is corrupt DWARF. */
        if (ev->describing > HS_TYPE_MAX_DIMS * 4)
          {
            g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_CORRUPT,
                         "%s: arrays nest more than %d deep (corrupt DWARF?)", info.spelling,
                         HS_TYPE_MAX_DIMS * 4);
            return FALSE;
          }
        ev->describing++;
        ok = describe (ev, d->target, &element, error);
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
static char *
spell (Eval  *ev,
       CType  t)
{
  GString *s = g_string_new (NULL);

  if (t.builtin != BUILTIN_NONE)
    g_string_append (s, builtins[t.builtin].name);
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

static gboolean
is_scalar (Kind k)
{
  return k == K_INT || k == K_CHAR || k == K_BOOL || k == K_ENUM || k == K_POINTER;
}

/* ------------------------------------------------------------------------------------------ */
/* Memory                                                                                     */

static gboolean
read_bytes (Eval     *ev,
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

static guint64
truncate_to (guint64  bits,
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
static guint64
decode (const guint8 *data,
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
      return truncate_to (bits, bit_size, is_signed);
    }
  for (gsize i = 0; i < MIN (size, 8); i++)
    bits |= (guint64) data[i] << (8 * i);
  return truncate_to (bits, MIN (size, 8) * 8, is_signed);
}

/* The scalar value of @v (arrays decay to their address). */
static gboolean
load (Eval        *ev,
      const char  *start,
      const Value *v,
      Desc        *d,
      guint64     *bits,
      GError     **error)
{
  guint8 buffer[16];
  gsize n;
  g_autoptr(GError) local = NULL;

  if (!describe (ev, v->type, d, error))
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
  if (!is_scalar (d->kind))
    {
      g_autofree char *spelled = spell (ev, v->type);

      return fail_at (ev, start, error, "%s is not a number or a pointer", spelled);
    }
  if (!v->lvalue)
    {
      *bits = v->bits;
      return TRUE;
    }
  n = v->bit_size > 0 ? (v->bit_offset + v->bit_size + 7) / 8 : d->size;
  if (n == 0 || n > sizeof buffer || (v->bit_size == 0 && n > 8))
    {
      g_autofree char *spelled = spell (ev, v->type);

      return fail_at (ev, start, error, "%s is %" G_GSIZE_FORMAT " bytes: not a scalar this "
                      "evaluator reads", spelled, n);
    }
  if (!read_bytes (ev, v->address, buffer, n, &local))
    return fail_with (ev, start, error, g_steal_pointer (&local));
  *bits = decode (buffer, n, v->bit_offset, v->bit_size, d->is_signed);
  return TRUE;
}

/* ------------------------------------------------------------------------------------------ */
/* Lexing                                                                                     */

static void
skip_space (Eval *ev)
{
  while (g_ascii_isspace (*ev->p))
    ev->p++;
}

static gboolean
accept (Eval       *ev,
        const char *token)
{
  gsize len = strlen (token);

  skip_space (ev);
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

  skip_space (ev);
  q = ev->p;
  if (!(g_ascii_isalpha (*q) || *q == '_'))
    return NULL;
  while (g_ascii_isalnum (*q) || *q == '_')
    q++;
  if (after != NULL)
    *after = q;
  return g_strndup (ev->p, q - ev->p);
}

static char *
take_identifier (Eval *ev)
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
static gboolean
type_follows (Eval *ev)
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

static gboolean
parse_type (Eval    *ev,
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
        return fail_at (ev, start, error, "not a type name");
    }
  if (words == 0 || (tagged && words < 2))
    return fail_at (ev, start, error, "a type name was expected");
  if (strcmp (name->str, "void") == 0)
    *out = ctype (0);
  else if (hs_symbol_file_find_type (ev->ctx->file, gcc_spelling (name->str), &die, &local))
    *out = ctype (die);
  else if (builtin_named (name->str) != BUILTIN_NONE)
    *out = builtin (builtin_named (name->str));
  else
    return fail_with (ev, start, error, g_steal_pointer (&local));
  if (tagged && g_str_has_prefix (name->str, "enum "))
    ev->enum_hint = die;
  for (;;)
    {
      g_autofree char *word = NULL;
      const char *after;

      if (accept (ev, "*"))
        {
          if (++out->ptr > 8)
            return fail_at (ev, start, error, "too many levels of pointer");
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
      return fail_at (ev, start, error, "not a number (or more than 64 bits)");
    }
  ev->p = end;
  while (*ev->p == 'u' || *ev->p == 'U' || *ev->p == 'l' || *ev->p == 'L')
    is_unsigned |= (*ev->p++ == 'u' || ev->p[-1] == 'U');
  if (g_ascii_isalnum (*ev->p) || *ev->p == '_')
    {
      ev->p++;
      return fail_at (ev, start, error, "not a number");
    }
  memset (out, 0, sizeof *out);
  out->type = builtin (is_unsigned || n > G_MAXINT64 ? BUILTIN_ULONG : BUILTIN_LONG);
  out->bits = n;
  return TRUE;
}

static gboolean
parse_identifier (Eval    *ev,
                  Value   *out,
                  GError **error)
{
  const char *start = ev->p;
  g_autofree char *name = take_identifier (ev);
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
                  out->type = ctype (ev->enum_hint);
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
              out->type = ctype (enum_die);
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
          return fail_with (ev, start, error, g_steal_pointer (&local));
        }
      /* A function: its address, printed with its name. */
      memset (out, 0, sizeof *out);
      out->type = builtin (BUILTIN_ULONG);
      out->bits = function.address + ev->ctx->offset;
      out->code = TRUE;
      return TRUE;
    }
  if (!info.has_address)
    return fail_at (ev, start, error, "'%s' is declared but has no address in %s", name,
                    hs_symbol_file_get_path (ev->ctx->file));
  if (info.type_die == 0)
    return fail_at (ev, start, error, "'%s' has no type in the debug information; cast its "
                    "address: *(int *)&%s", name, name);
  memset (out, 0, sizeof *out);
  out->type = ctype (info.type_die);
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

  skip_space (ev);
  start = ev->p;
  if (g_ascii_isdigit (*ev->p))
    return parse_number (ev, out, error);
  if (g_ascii_isalpha (*ev->p) || *ev->p == '_')
    return parse_identifier (ev, out, error);
  if (*ev->p == '\'' && ev->p[1] != 0 && ev->p[1] != '\\' && ev->p[2] == '\'')
    {
      memset (out, 0, sizeof *out);
      out->type = builtin (BUILTIN_INT);
      out->bits = (guchar) ev->p[1];
      ev->p += 3;
      return TRUE;
    }
  if (accept (ev, "("))
    {
      if (!parse_expr (ev, out, error))
        return FALSE;
      if (!accept (ev, ")"))
        return fail_at (ev, start, error, "')' expected");
      return TRUE;
    }
  if (*ev->p == 0)
    return fail_at (ev, ev->text, error, "the expression ends too early");
  ev->p++;
  return fail_at (ev, start, error, "unexpected '%c'", ev->p[-1]);
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

  if (!describe (ev, v->type, &d, &local))
    return fail_with (ev, start, error, g_steal_pointer (&local));
  if (d.kind != K_STRUCT && d.kind != K_UNION)
    {
      g_autofree char *spelled = spell (ev, v->type);

      if (d.kind == K_POINTER)
        return fail_at (ev, start, error, "%s is a pointer: use '->%s'", spelled, name);
      return fail_at (ev, start, error, "%s is not a struct or union", spelled);
    }
  if (!v->lvalue)
    return fail_at (ev, start, error, "a struct that is not in memory has no members to read");
  if (!hs_symbol_file_find_member (ev->ctx->file, v->type.die, name, &member, &local))
    return fail_with (ev, start, error, g_steal_pointer (&local));
  v->type = ctype (member.type_die);
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

  if (!describe (ev, v->type, &d, &local))
    return fail_with (ev, start, error, g_steal_pointer (&local));
  if (d.kind != K_POINTER && d.kind != K_ARRAY)
    {
      g_autofree char *spelled = spell (ev, v->type);

      return fail_at (ev, start, error, "%s is not a pointer", spelled);
    }
  if (!load (ev, start, v, &d, &bits, error))
    return FALSE;
  if (!describe (ev, d.target, &target, &local))
    return fail_with (ev, start, error, g_steal_pointer (&local));
  if (target.kind == K_VOID)
    return fail_at (ev, start, error, "a void * cannot be dereferenced: cast it first");
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

  skip_space (ev);
  start = ev->p;
  if (!parse_primary (ev, out, error))
    return FALSE;
  for (guint n = 0;; n++)
    {
      if (n > 1000)
        return fail_at (ev, start, error, "too long");
      if (accept (ev, "->"))
        {
          g_autofree char *name = take_identifier (ev);

          if (name == NULL)
            return fail_at (ev, start, error, "a member name must follow '->'");
          if (!dereference (ev, start, out, error) || !member_of (ev, start, out, name, error))
            return FALSE;
        }
      else if (accept (ev, "."))
        {
          g_autofree char *name = take_identifier (ev);

          if (name == NULL)
            return fail_at (ev, start, error, "a member name must follow '.'");
          if (!member_of (ev, start, out, name, error))
            return FALSE;
        }
      else if (accept (ev, "["))
        {
          Value index;
          Desc d, element, id;
          guint64 base, i, scaled;

          if (!parse_expr (ev, &index, error))
            return FALSE;
          if (!accept (ev, "]"))
            return fail_at (ev, start, error, "']' expected");
          if (!load (ev, start, out, &d, &base, error) || !load (ev, start, &index, &id, &i, error))
            return FALSE;
          if (d.kind != K_POINTER)
            return fail_at (ev, start, error, "only arrays and pointers can be indexed");
          if (id.kind == K_POINTER)
            return fail_at (ev, start, error, "an index must be an integer");
          {
            Desc was;

            /* d.target for a decayed array is the array's element. */
            if (!describe (ev, out->type, &was, error))
              return FALSE;
            if (was.kind == K_ARRAY)
              d.target = was.target;
            if (was.kind == K_ARRAY && was.count > 0 && i >= was.count)
              return fail_at (ev, start, error, "index %" G_GINT64_FORMAT " is out of bounds "
                              "(%" G_GUINT64_FORMAT " elements)", (gint64) i, was.count);
          }
          if (!describe (ev, d.target, &element, error))
            return FALSE;
          if (!element.has_size)
            return fail_at (ev, start, error, "the elements have no size");
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

  if (!describe (ev, t, &d, &local))
    return fail_with (ev, start, error, g_steal_pointer (&local));
  if (!d.has_size)
    {
      g_autofree char *spelled = spell (ev, t);

      return fail_at (ev, start, error, "%s has no size", spelled);
    }
  memset (out, 0, sizeof *out);
  out->type = builtin (BUILTIN_ULONG);
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

  if (!describe (ev, to, &target, &local))
    return fail_with (ev, start, error, g_steal_pointer (&local));
  if (target.kind == K_STRUCT || target.kind == K_UNION || target.kind == K_ARRAY)
    {
      /* Reinterpreting memory: "(struct page)x" reads x's bytes as a struct page. */
      if (!v->lvalue)
        return fail_at (ev, start, error, "only something in memory can be read as a %s",
                        target.kind == K_ARRAY ? "array" : "struct or union");
      v->type = to;
      v->bit_size = v->bit_offset = 0;
      v->symbol_size = 0;
      return TRUE;
    }
  if (!load (ev, start, v, &from, &bits, error))
    return FALSE;
  memset (v, 0, sizeof *v);
  v->type = to;
  if (target.kind == K_BOOL)
    bits = bits != 0;
  else if (target.kind != K_VOID && target.size > 0 && target.size < 8)
    bits = truncate_to (bits, target.size * 8, target.is_signed);
  v->bits = bits;
  return TRUE;
}

static gboolean
parse_unary (Eval    *ev,
             Value   *out,
             GError **error)
{
  const char *start;
  gboolean ok = FALSE;

  skip_space (ev);
  start = ev->p;
  if (++ev->depth > MAX_PARSE_DEPTH)
    return fail_at (ev, start, error, "nested more than %d deep", MAX_PARSE_DEPTH);

  if (strncmp (ev->p, "sizeof", 6) == 0 && !g_ascii_isalnum (ev->p[6]) && ev->p[6] != '_')
    {
      const char *open;

      ev->p += 6;
      skip_space (ev);
      open = ev->p;
      if (accept (ev, "(") && type_follows (ev))
        {
          CType t;

          ok = parse_type (ev, &t, error);
          if (ok && !accept (ev, ")"))
            ok = fail_at (ev, start, error, "')' expected");
          ok = ok && size_of (ev, start, t, out, error);
        }
      else
        {
          Value v;

          ev->p = open;
          ok = parse_unary (ev, &v, error) && size_of (ev, start, v.type, out, error);
        }
    }
  else if (accept (ev, "*"))
    ok = parse_unary (ev, out, error) && dereference (ev, start, out, error);
  else if (accept (ev, "&"))
    {
      ok = parse_unary (ev, out, error);
      if (ok && !out->lvalue)
        ok = fail_at (ev, start, error, "only something in memory has an address");
      else if (ok && out->bit_size > 0)
        ok = fail_at (ev, start, error, "a bit-field has no address");
      else if (ok)
        {
          out->lvalue = FALSE;
          out->bits = out->address;
          out->type.ptr++;
          if (out->type.ptr > 8)
            ok = fail_at (ev, start, error, "too many levels of pointer");
        }
    }
  else if (accept (ev, "-") || accept (ev, "~") || accept (ev, "!") || accept (ev, "+"))
    {
      char op = ev->p[-1];
      Desc d;
      guint64 bits;

      ok = parse_unary (ev, out, error) && load (ev, start, out, &d, &bits, error);
      if (ok && d.kind == K_POINTER && op != '!')
        ok = fail_at (ev, start, error, "'%c' does not apply to a pointer", op);
      else if (ok)
        {
          gboolean is_unsigned = !d.is_signed && d.size == 8;

          memset (out, 0, sizeof *out);
          out->type = builtin (op == '!' ? BUILTIN_INT : is_unsigned ? BUILTIN_ULONG : BUILTIN_LONG);
          out->bits = op == '-' ? -bits : op == '~' ? ~bits : op == '!' ? bits == 0 : bits;
        }
    }
  else if (*ev->p == '(')
    {
      const char *open = ev->p;

      ev->p++;
      if (type_follows (ev))
        {
          CType t;

          ok = parse_type (ev, &t, error);
          if (ok && !accept (ev, ")"))
            ok = fail_at (ev, start, error, "')' expected after the type");
          ok = ok && parse_unary (ev, out, error) && cast (ev, start, t, out, error);
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

  if (!load (ev, start, lhs, &dl, &a, error) || !load (ev, start, rhs, &dr, &b, error))
    return FALSE;

  /* Pointer arithmetic: scaled by the size of what is pointed to. */
  if ((dl.kind == K_POINTER || dr.kind == K_POINTER) && (op[0] == '+' || op[0] == '-'))
    {
      Desc element;
      CType pointer_type;

      if (dl.kind == K_POINTER && dr.kind == K_POINTER)
        {
          if (op[0] == '+')
            return fail_at (ev, start, error, "two pointers cannot be added");
          if (!describe (ev, dl.target, &element, error))
            return FALSE;
          if (!element.has_size || element.size == 0)
            return fail_at (ev, start, error, "pointers to something without a size cannot be "
                            "subtracted");
          memset (lhs, 0, sizeof *lhs);
          lhs->type = builtin (BUILTIN_LONG);
          lhs->bits = (guint64) ((gint64) (a - b) / (gint64) element.size);
          return TRUE;
        }
      if (dr.kind == K_POINTER && op[0] == '-')
        return fail_at (ev, start, error, "a pointer cannot be subtracted from a number");
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
      if (!describe (ev, dl.target, &element, error))
        return FALSE;
      {
        Desc was;

        /* A decayed array points at its element, not at the array. */
        if (!describe (ev, pointer_type, &was, error))
          return FALSE;
        if (was.kind == K_ARRAY)
          {
            pointer_type = was.target;
            pointer_type.ptr++;
            if (!describe (ev, was.target, &element, error))
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
        return fail_at (ev, start, error, "division by zero");
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
  lhs->type = builtin (result);
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

  skip_space (ev);
  start = ev->p;
  if (level == N_LEVELS)
    return parse_unary (ev, out, error);
  if (!parse_binary (ev, level + 1, out, error))
    return FALSE;
  for (guint n = 0;; n++)
    {
      const BinOp *found = NULL;
      Value rhs;

      if (n > 10000)
        return fail_at (ev, start, error, "too long");
      for (guint i = 0; i < G_N_ELEMENTS (binops) && found == NULL; i++)
        if (binops[i].level == level && accept (ev, binops[i].op))
          found = &binops[i];
      if (found == NULL)
        return TRUE;
      {
        Desc lhs;

        /* For the enum hint: "state == TASK_DEAD" names the left side's enumerators. */
        if (level == 5 || level == 6 || level == 8)
          describe (ev, out->type, &lhs, NULL);
      }
      if (level <= 1)
        {
          /* && and || as C has them: "p && p->x" reads p->x only when p is not NULL. The
           * side not evaluated is still parsed, with reads answering zeros. */
          gboolean is_or = level == 0;
          Desc d;
          guint64 a, b = 0;
          gboolean decided, ok;

          if (!load (ev, start, out, &d, &a, error))
            return FALSE;
          decided = is_or ? a != 0 : a == 0;
          if (decided)
            ev->dry++;
          ok = parse_binary (ev, level + 1, &rhs, error)
               && (decided || load (ev, start, &rhs, &d, &b, error));
          if (decided)
            ev->dry--;
          if (!ok)
            return FALSE;
          memset (out, 0, sizeof *out);
          out->type = builtin (BUILTIN_INT);
          out->bits = decided ? is_or : b != 0;
          continue;
        }
      if (!parse_binary (ev, level + 1, &rhs, error)
          || !binary (ev, start, found->op, out, &rhs, error))
        return FALSE;
    }
}

static gboolean
parse_expr (Eval    *ev,
            Value   *out,
            GError **error)
{
  gboolean ok;

  const char *start;

  skip_space (ev);
  start = ev->p;
  if (++ev->depth > MAX_PARSE_DEPTH)
    return fail_at (ev, ev->p, error, "nested more than %d deep", MAX_PARSE_DEPTH);
  ok = parse_binary (ev, 0, out, error);
  if (ok && accept (ev, "?"))
    {
      /* cond ? a : b, the branch not taken parsed without reads, as && does. */
      Value other;
      Desc d;
      guint64 cond;

      ok = load (ev, start, out, &d, &cond, error);
      if (ok)
        {
          if (cond == 0)
            ev->dry++;
          ok = parse_expr (ev, cond != 0 ? out : &other, error);
          if (cond == 0)
            ev->dry--;
        }
      if (ok && !accept (ev, ":"))
        ok = fail_at (ev, start, error, "':' expected");
      if (ok)
        {
          if (cond != 0)
            ev->dry++;
          ok = parse_expr (ev, cond != 0 ? &other : out, error);
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
  if (!parse_expr (ev, out, error))
    return FALSE;
  skip_space (ev);
  if (*ev->p != 0)
    {
      const char *start = ev->p;

      ev->p += strlen (ev->p);
      return fail_at (ev, start, error, "unexpected text after the expression");
    }
  return TRUE;
}

/* ------------------------------------------------------------------------------------------ */
/* Printing                                                                                   */

static void print_object (Eval *ev, GString *out, CType t, const guint8 *data, gsize len,
                          guint depth, gboolean top);
static guint64 bytes_printed (Eval *ev, CType t, guint depth);
static gboolean is_string (Eval *ev, const Desc *array);

static void
append_char (GString *out,
             guint8   c,
             char     quote)
{
  switch (c)
    {
    case '\n': g_string_append (out, "\\n"); return;
    case '\t': g_string_append (out, "\\t"); return;
    case '\r': g_string_append (out, "\\r"); return;
    case '\\': g_string_append (out, "\\\\"); return;
    default:
      break;
    }
  if (c == (guint8) quote)
    g_string_append_printf (out, "\\%c", quote);
  else if (c >= 0x20 && c < 0x7f)
    g_string_append_c (out, c);
  else
    g_string_append_printf (out, "\\%03o", c);
}

static void
print_pointer (Eval    *ev,
               GString *out,
               CType    t,
               guint64  bits,
               gboolean top)
{
  HsSymbol sym;
  guint64 offset = 0;

  if (top)
    {
      g_autofree char *spelled = spell (ev, t);

      g_string_append_printf (out, "(%s) ", spelled);
    }
  g_string_append_printf (out, "0x%" G_GINT64_MODIFIER "x", bits);
  if (bits >= ev->ctx->offset
      && hs_symbol_file_lookup_address (ev->ctx->file, bits - ev->ctx->offset, &sym, &offset)
      && (offset == 0 || offset < sym.size))
    {
      if (offset == 0)
        g_string_append_printf (out, " <%s>", sym.name);
      else
        g_string_append_printf (out, " <%s+%" G_GUINT64_FORMAT ">", sym.name, offset);
    }
}

/* What a char * points to, as gdb shows it: 0x... "text". At most STRING_MAX bytes, read a
 * piece at a time that never crosses a page, so that a string ending just before an unmapped
 * page still prints. */
#define STRING_MAX 200
#define STRING_PIECE 64

static void
print_pointed_string (Eval       *ev,
                      GString    *out,
                      const Desc *pointer,
                      guint64     address)
{
  g_autoptr(GString) text = g_string_new (NULL);
  Desc target;
  guint n = 0;

  if (address == 0 || !describe (ev, pointer->target, &target, NULL) || target.kind != K_CHAR)
    return;
  while (n < STRING_MAX)
    {
      guint8 piece[STRING_PIECE];
      guint64 at = address + n;
      gsize len = MIN (STRING_PIECE, 0x1000 - (at & 0xfff));
      gsize i;

      if (at < address || !read_bytes (ev, at, piece, len, NULL))
        {
          if (n == 0)
            {
              g_string_append (out, " <unreadable>");
              return;
            }
          break;
        }
      for (i = 0; i < len && n < STRING_MAX && piece[i] != 0; i++, n++)
        append_char (text, piece[i], '"');
      if (i < len && n < STRING_MAX)
        {
          g_string_append_printf (out, " \"%s\"", text->str);
          return;
        }
    }
  g_string_append_printf (out, " \"%s\"...", text->str);
}

static void
print_scalar (Eval         *ev,
              GString      *out,
              CType         t,
              const Desc   *d,
              guint64       bits,
              gboolean      top)
{
  switch (d->kind)
    {
    case K_POINTER:
      print_pointer (ev, out, t, bits, top);
      print_pointed_string (ev, out, d, bits);
      break;
    case K_BOOL:
      g_string_append (out, bits == 0 ? "false" : bits == 1 ? "true" : "true (not 1)");
      if (bits > 1)
        g_string_append_printf (out, " (%" G_GUINT64_FORMAT ")", bits);
      break;
    case K_CHAR:
      g_string_append_printf (out, d->is_signed ? "%" G_GINT64_FORMAT " '" : "%" G_GUINT64_FORMAT " '",
                              bits);
      append_char (out, (guint8) bits, '\'');
      g_string_append_c (out, '\'');
      break;
    case K_ENUM:
      {
        g_autoptr(GArray) values = hs_symbol_file_get_enumerators (ev->ctx->file, d->die, NULL);
        const char *name = NULL;

        for (guint i = 0; values != NULL && i < values->len && name == NULL; i++)
          {
            const HsTypeEnumerator *e = &g_array_index (values, HsTypeEnumerator, i);

            if ((guint64) e->value == bits
                || truncate_to ((guint64) e->value, d->size * 8, d->is_signed) == bits)
              name = e->name;
          }
        if (name != NULL)
          g_string_append (out, name);
        else if (d->is_signed)
          g_string_append_printf (out, "%" G_GINT64_FORMAT, (gint64) bits);
        else
          g_string_append_printf (out, "%" G_GUINT64_FORMAT, bits);
      }
      break;
    default:
      if (d->is_signed)
        g_string_append_printf (out, "%" G_GINT64_FORMAT, (gint64) bits);
      else
        g_string_append_printf (out, "%" G_GUINT64_FORMAT, bits);
      break;
    }
}

static gboolean
spend_item (Eval    *ev,
            GString *out)
{
  if (ev->items >= HS_CEXPR_MAX_ITEMS)
    {
      if (ev->items++ == HS_CEXPR_MAX_ITEMS)
        g_string_append (out, "...");
      return FALSE;
    }
  ev->items++;
  return TRUE;
}

static void
print_members (Eval         *ev,
               GString      *out,
               const Desc   *d,
               const guint8 *data,
               gsize         len,
               guint         depth)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) members = hs_symbol_file_get_members (ev->ctx->file, d->die, &error);

  if (members == NULL)
    {
      g_string_append_printf (out, "<%s>", error->message);
      return;
    }
  g_string_append_c (out, '{');
  for (guint i = 0; i < members->len; i++)
    {
      const HsTypeMember *m = &g_array_index (members, HsTypeMember, i);
      Desc md;

      if (i > 0)
        g_string_append (out, ", ");
      if (!spend_item (ev, out))
        break;
      if (m->name != NULL)
        g_string_append_printf (out, "%s = ", m->name);
      if (!describe (ev, ctype (m->type_die), &md, NULL))
        {
          g_string_append (out, "<unreadable type>");
          continue;
        }
      if (m->bit_size > 0)
        {
          gsize n = (m->bit_offset + m->bit_size + 7) / 8;

          if (m->offset > len || n > len - m->offset || n > 9)
            g_string_append (out, "<unavailable>");
          else
            print_scalar (ev, out, ctype (m->type_die), &md,
                          decode (data + m->offset, n, m->bit_offset, m->bit_size, md.is_signed),
                          FALSE);
          continue;
        }
      if (m->offset > len)
        {
          g_string_append (out, "<unavailable>");
          continue;
        }
      print_object (ev, out, ctype (m->type_die), data + m->offset, len - m->offset, depth + 1,
                    FALSE);
    }
  g_string_append_c (out, '}');
}

static void
print_array (Eval         *ev,
             GString      *out,
             const Desc   *d,
             const guint8 *data,
             gsize         len,
             guint         depth)
{
  Desc element;
  guint64 count = d->count;
  guint64 shown;

  if (!describe (ev, d->target, &element, NULL) || !element.has_size || element.size == 0)
    {
      g_string_append (out, "<array of unknown elements>");
      return;
    }
  if (element.kind == K_CHAR && element.size == 1)
    {
      /* Up to the first NUL, as gdb with "print null-stop on". */
      guint64 n = MIN (count, (guint64) len);
      guint64 limit = MIN (n, (guint64) ev->max_elements * 4);
      guint64 i;

      g_string_append_c (out, '"');
      for (i = 0; i < limit && data[i] != 0; i++)
        append_char (out, data[i], '"');
      g_string_append_c (out, '"');
      if (i == limit && limit < count)
        g_string_append (out, "...");
      ev->items++;
      return;
    }
  g_string_append_c (out, '{');
  shown = MIN (count, (guint64) ev->max_elements);
  for (guint64 i = 0; i < shown; i++)
    {
      guint64 at = i * element.size;

      if (i > 0)
        g_string_append (out, ", ");
      /* Only what printing reaches was read: an element shown as {...} has no bytes here. */
      if (at > len)
        {
          g_string_append (out, "<unavailable>");
          break;
        }
      if (!spend_item (ev, out))
        break;
      print_object (ev, out, d->target, data + at, len - at, depth + 1, FALSE);
    }
  if (count > shown)
    g_string_append (out, shown > 0 ? ", ..." : "...");
  g_string_append_c (out, '}');
}

static gboolean
is_string (Eval       *ev,
           const Desc *array)
{
  Desc element;

  return describe (ev, array->target, &element, NULL) && element.kind == K_CHAR
         && element.size == 1;
}

static void
print_object (Eval         *ev,
              GString      *out,
              CType         t,
              const guint8 *data,
              gsize         len,
              guint         depth,
              gboolean      top)
{
  Desc d;

  if (!describe (ev, t, &d, NULL))
    {
      g_string_append (out, "<unreadable type>");
      return;
    }
  switch (d.kind)
    {
    case K_STRUCT:
    case K_UNION:
      if (depth >= ev->max_depth)
        g_string_append (out, "{...}");
      else
        print_members (ev, out, &d, data, len, depth);
      break;
    case K_ARRAY:
      /* A string is one value, not a level of nesting: "comm" shows at any depth. */
      if (depth >= ev->max_depth && !is_string (ev, &d))
        g_string_append (out, "{...}");
      else
        print_array (ev, out, &d, data, len, depth);
      break;
    case K_FLOAT:
      if (len >= d.size && (d.size == 4 || d.size == 8))
        {
          if (d.size == 4)
            {
              gfloat f;

              memcpy (&f, data, 4);
              g_string_append_printf (out, "%g", (double) f);
            }
          else
            {
              gdouble f;

              memcpy (&f, data, 8);
              g_string_append_printf (out, "%g", f);
            }
        }
      else
        g_string_append (out, "<float>");
      break;
    case K_VOID:
    case K_FUNCTION:
      g_string_append (out, "<no value>");
      break;
    default:
      if (len < d.size || d.size == 0 || d.size > 8)
        g_string_append (out, "<unavailable>");
      else
        print_scalar (ev, out, t, &d, decode (data, d.size, 0, 0, d.is_signed), top);
      break;
    }
}

/* How many bytes from the start of an object of type @t printing it shows: the elements of
 * an array up to max_elements (nested arrays and structs likewise), nothing past max_depth.
 * So a 6 GB array prints its first elements instead of being refused. Saturates at
 * G_MAXUINT64; bounded by max_depth and the members of each struct. */
static guint64
bytes_printed (Eval  *ev,
               CType  t,
               guint  depth)
{
  Desc d, element;

  if (!describe (ev, t, &d, NULL))
    return 0;
  if ((d.kind == K_STRUCT || d.kind == K_UNION || (d.kind == K_ARRAY && !is_string (ev, &d)))
      && depth >= ev->max_depth)
    return 0;
  if (d.kind == K_ARRAY)
    {
      guint64 shown, inner, total;

      if (!describe (ev, d.target, &element, NULL) || !element.has_size || element.size == 0)
        return 0;
      shown = MIN (d.count, (guint64) ev->max_elements * (element.kind == K_CHAR ? 4 : 1));
      if (shown == 0)
        return 0;
      inner = MIN (element.size, bytes_printed (ev, d.target, depth + 1));
      if (!g_uint64_checked_mul (&total, shown - 1, element.size)
          || !g_uint64_checked_add (&total, total, inner))
        return G_MAXUINT64;
      return total;
    }
  if (d.kind == K_STRUCT || d.kind == K_UNION)
    {
      g_autoptr(GArray) members = hs_symbol_file_get_members (ev->ctx->file, d.die, NULL);
      guint64 most = 0;

      for (guint i = 0; members != NULL && i < members->len; i++)
        {
          const HsTypeMember *m = &g_array_index (members, HsTypeMember, i);
          guint64 end, inner;

          inner = m->bit_size > 0 ? (m->bit_offset + m->bit_size + 7) / 8
                                  : bytes_printed (ev, ctype (m->type_die), depth + 1);
          if (!g_uint64_checked_add (&end, m->offset, inner))
            return G_MAXUINT64;
          most = MAX (most, end);
        }
      return d.has_size ? MIN (most, d.size) : most;
    }
  return d.has_size ? d.size : 0;
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

char *
hs_cexpr_print (const HsCexprContext  *context,
                const char            *expression,
                GError               **error)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autofree guint8 *data = NULL;
  g_autoptr(GError) local = NULL;
  Eval ev;
  Value v;
  Desc d;
  guint64 length;

  g_return_val_if_fail (context != NULL && HS_IS_SYMBOL_FILE (context->file), NULL);
  g_return_val_if_fail (context->read != NULL, NULL);
  g_return_val_if_fail (expression != NULL, NULL);

  eval_init (&ev, context, expression);
  if (!parse_all (&ev, &v, error))
    return NULL;
  ev.p = expression + strlen (expression);
  if (!describe (&ev, v.type, &d, &local))
    return fail_with (&ev, expression, error, g_steal_pointer (&local)), NULL;

  if (v.code)
    {
      print_pointer (&ev, out, v.type, v.bits, FALSE);
      return g_string_free (g_steal_pointer (&out), FALSE);
    }
  if (!v.lvalue || is_scalar (d.kind) || d.kind == K_FUNCTION)
    {
      guint64 bits;

      if (d.kind == K_FUNCTION)
        {
          print_pointer (&ev, out, builtin (BUILTIN_ULONG), v.address, FALSE);
          return g_string_free (g_steal_pointer (&out), FALSE);
        }
      if (!load (&ev, expression, &v, &d, &bits, error))
        return NULL;
      print_scalar (&ev, out, v.type, &d, bits, TRUE);
      return g_string_free (g_steal_pointer (&out), FALSE);
    }
  if (d.kind == K_ARRAY && !d.has_size && v.symbol_size > 0)
    {
      Desc element;

      /* An array declared without a size: the symbol's says how many elements it has. */
      if (describe (&ev, d.target, &element, NULL) && element.has_size && element.size > 0)
        {
          guint64 shown = MIN (v.symbol_size / element.size,
                               (guint64) ev.max_elements * (element.kind == K_CHAR ? 4 : 1));

          d.count = v.symbol_size / element.size;
          length = shown * element.size;
          if (length > HS_CEXPR_MAX_READ)
            return fail_at (&ev, expression, error, "%" G_GUINT64_FORMAT " bytes is too large "
                            "to print; print an element", length), NULL;
          data = g_malloc (MAX (length, 1));
          if (!read_bytes (&ev, v.address, data, length, &local))
            return fail_with (&ev, expression, error, g_steal_pointer (&local)), NULL;
          print_array (&ev, out, &d, data, length, 0);
          return g_string_free (g_steal_pointer (&out), FALSE);
        }
    }
  if (!d.has_size)
    return fail_at (&ev, expression, error, "has no size to read"), NULL;
  length = MIN (d.size, bytes_printed (&ev, v.type, 0));
  if (length > HS_CEXPR_MAX_READ)
    return fail_at (&ev, expression, error, "%" G_GUINT64_FORMAT " bytes is too large to "
                    "print; print a member or an element", length), NULL;
  data = g_malloc (length);
  if (!read_bytes (&ev, v.address, data, length, &local))
    return fail_with (&ev, expression, error, g_steal_pointer (&local)), NULL;
  print_object (&ev, out, v.type, data, length, 0, TRUE);
  return g_string_free (g_steal_pointer (&out), FALSE);
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
  if (!parse_all (ev, &v, error) || !load (ev, text, &v, &d, bits, error))
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
  if (!describe (&ev, v.type, &d, &local))
    return fail_with (&ev, target, error, g_steal_pointer (&local));
  if (!v.lvalue)
    return fail_at (&ev, target, error, "is not something in memory: it cannot be set");
  if (!is_scalar (d.kind) || d.size == 0 || d.size > 8)
    {
      g_autofree char *spelled = spell (&ev, v.type);

      return fail_at (&ev, target, error, "is %s: only integers, enums, bools and pointers can "
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
          g_autofree char *spelled = spell (&ev, v.type);

          return fail_at (&ev, target, error, "%s does not fit in %s (%" G_GUINT64_FORMAT
                          " bits)", value, spelled, width);
        }
    }

  if (v.bit_size > 0)
    {
      n = (v.bit_offset + v.bit_size + 7) / 8;
      if (n > 8)
        return fail_at (&ev, target, error, "a bit-field across 9 bytes cannot be set");
      if (!read_bytes (&ev, v.address, buffer, n, &local))
        return fail_with (&ev, target, error, g_steal_pointer (&local));
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
  print_object (&ev, out, ctype (type_die), data, length, 0, TRUE);
  return g_string_free (out, FALSE);
}
