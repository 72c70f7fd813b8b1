/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-dwarf-scan.c: the DWARF name index read straight from the bytes of
 * .debug_info and .debug_abbrev, on several threads.
 *
 * Why not libdwarf: its per-DIE API allocates a Dwarf_Die and looks up every attribute
 * separately, and its Dwarf_Debug is not thread-safe, so vmlinux's 3.8 million top-level DIEs
 * took a second on one core. Here, as in drgn, each abbreviation is compiled once
 * (hs-dwarf-units.c, with the unit headers) into a short list of operations (skip so many
 * bytes, read the name, read DW_AT_sibling, ...) and a DIE is one pass over its bytes; when
 * all its attributes have a fixed size (most of them, in GCC's output), a DIE is one bounds
 * check, and only the attributes the index needs are read. The
 * result must be exactly the index libdwarf gives (hs-dwarf-index.c keeps that walk as the
 * reference, and test-dwarf-scan compares the two).
 *
 * Threads: the calling thread parses the unit headers, then it and up to three more threads
 * claim chunks of consecutive units in order; a second thread also helps the merge, which fills
 * each namespace's table on one thread. A worker keeps its own abbreviation tables and its own
 * "already seen" sets; each chunk records an append-only log of the names it found. Replaying
 * the logs in chunk order through _hs_dwarf_index_insert() gives what one sequential walk
 * would: a log holds, for each name, its first occurrence and its first strong definition in
 * the worker's chunks so far (or, for names outside .debug_str, every occurrence), and chunks
 * are claimed in increasing order. Nothing here calls libdwarf or libelf: the sections are byte
 * ranges of the file mapping, read-only and shared.
 *
 * Hostile input: every read is checked against the end of its unit or section,
 * LEB128 numbers are at most 10 bytes, abbreviations have at most
 * MAX_ATTRIBUTES attributes, and every loop consumes input or jumps forward, so
 * a corrupt file ends with HS_SYMBOLS_ERROR_CORRUPT. Things the scanner does
 * not know (unknown forms or unit types, type-unit signatures, supplementary
 * files) give G_IO_ERROR_NOT_SUPPORTED and the caller asks libdwarf instead.
 */
#define G_LOG_DOMAIN "hs-symbols"

#include "config.h"

#include "hs-dwarf-scan-private.h"

#include <pthread.h>
#include <string.h>

#define MAX_THREADS 4                  /* more does not pay: the merge is sequential */
#define CHUNKS_PER_THREAD 8            /* so that a slow chunk does not leave a thread idle */

/* ------------------------------------------------------------------------------------------ */
/* Reading one DIE                                                                            */

/* A unit being read: its header, its abbreviations, its DW_AT_str_offsets_base. */
typedef struct
{
  const Unit *unit;
  const AbbrevTable *abbrevs;
  guint64 str_offsets_base;
  gboolean has_str_offsets_base;
} Cursor;

typedef enum
{
  NAME_NONE,                           /* no DW_AT_name, or not a string form */
  NAME_STRING,                         /* @name, possibly NULL (a bad offset, as libdwarf) */
  NAME_STRX,                           /* @strx: resolved through .debug_str_offsets */
} NameKind;

typedef enum
{
  REF_NONE,                            /* absent */
  REF_BAD,                             /* present but unusable (libdwarf fails on it) */
  REF_OK,
} RefKind;

typedef struct
{
  NameKind name_kind;
  const char *name;
  guint64 strx;
  RefKind sibling_kind;
  guint64 sibling;
  RefKind spec_kind;
  guint64 spec;
  RefKind origin_kind;
  guint64 origin;
  gboolean has_str_offsets_base;
  guint64 str_offsets_base;
} Attrs;

typedef struct
{
  const HsDwarfSections *s;
  gboolean str_terminated;             /* .debug_str ends with NUL: no per-name memchr */
  gboolean line_str_terminated;
  Fail fail;
} Reader;

/* Reads a reference of @form, @size bytes at @p when fixed: CU-relative ones become .debug_info
 * offsets. */
static inline RefKind
read_ref (Reader        *r,
          const Cursor  *c,
          guint          form,
          gint           size,
          const guint8  *p,
          const guint8  *end,
          guint64       *out)
{
  const Unit *u = c->unit;
  guint64 value;

  switch (form)
    {
    case DW_FORM_ref1:
    case DW_FORM_ref2:
    case DW_FORM_ref4:
    case DW_FORM_ref8:
      value = read_le (p, size);
      break;
    case DW_FORM_ref_udata:
      if (!hs_read_uleb (&p, end, &value))
        return REF_BAD;
      break;
    case DW_FORM_ref_addr:
      value = read_le (p, size);
      if (value >= r->s->info_size)
        return REF_BAD;
      *out = value;
      return REF_OK;
    case DW_FORM_ref_sig8:
    case DW_FORM_ref_sup4:
    case DW_FORM_ref_sup8:
    case DW_FORM_GNU_ref_alt:
      /* libdwarf looks these up in type units or a supplementary file: let it. */
      _hs_scan_unsupported (&r->fail, "a reference of form", form);
      return REF_BAD;
    default:
      return REF_BAD;                  /* not a reference at all */
    }
  if (value >= u->end - u->offset)
    return REF_BAD;
  *out = u->offset + value;
  return REF_OK;
}

/* Reads the attribute of @form for @role: @size bytes at @start when the form has a fixed size,
 * else from @start to @after. Returns FALSE with the error set. */
static inline gboolean
read_role (Reader        *r,
           const Cursor  *c,
           guint          role,
           guint          form,
           gint           size,
           const guint8  *start,
           const guint8  *after,
           Attrs         *out)
{
  switch (role)
    {
    case ROLE_SKIP:
      break;
    case ROLE_NAME:
      out->name_kind = NAME_STRING;
      switch (form)
        {
        case DW_FORM_string:
          out->name = (const char *) start;
          break;
        case DW_FORM_strp:
          out->name = string_at (r->s->str, r->s->str_size, r->str_terminated,
                                 read_le (start, size));
          break;
        case DW_FORM_line_strp:
          out->name = string_at (r->s->line_str, r->s->line_str_size,
                                 r->line_str_terminated, read_le (start, size));
          break;
        case DW_FORM_strx:
          out->name_kind = NAME_STRX;
          hs_read_uleb (&start, after, &out->strx);
          break;
        case DW_FORM_strx1:
        case DW_FORM_strx2:
        case DW_FORM_strx3:
        case DW_FORM_strx4:
          out->name_kind = NAME_STRX;
          out->strx = read_le (start, size);
          break;
        case DW_FORM_strp_sup:
        case DW_FORM_GNU_strp_alt:
        case DW_FORM_GNU_str_index:
          return _hs_scan_unsupported (&r->fail, "a name of form", form);
        default:
          out->name_kind = NAME_NONE;   /* libdwarf: not a string */
          break;
        }
      break;
    case ROLE_SIBLING:
      out->sibling_kind = read_ref (r, c, form, size, start, after, &out->sibling);
      break;
    case ROLE_SPECIFICATION:
      out->spec_kind = read_ref (r, c, form, size, start, after, &out->spec);
      break;
    case ROLE_ABSTRACT_ORIGIN:
      out->origin_kind = read_ref (r, c, form, size, start, after, &out->origin);
      break;
    case ROLE_STR_OFFSETS_BASE:
      if (form == DW_FORM_sec_offset || form == DW_FORM_data4 || form == DW_FORM_data8)
        {
          out->has_str_offsets_base = TRUE;
          out->str_offsets_base = read_le (start, size);
        }
      break;
    default:
      g_assert_not_reached ();
    }
  return r->fail.error == NULL;
}

/* Reads the attribute of @role of a DIE of @ab (with a fixed layout), whose attributes start
 * at @attrs; the caller checked that @ab->fixed bytes are there. */
static inline gboolean
read_slot (Reader        *r,
           const Cursor  *c,
           const Abbrev  *ab,
           guint          role,
           const guint8  *attrs,
           Attrs         *out)
{
  const Slot *slot = &ab->slots[role];

  if (slot->form == 0)
    return TRUE;
  return read_role (r, c, role, slot->form, slot->size, attrs + slot->at,
                    attrs + slot->at + slot->size, out);
}

/* Runs @ab's operations over the DIE's attributes at *@pp, leaving *@pp after them. */
static gboolean
read_attrs (Reader         *r,
            const Cursor   *c,
            const Abbrev   *ab,
            const guint8  **pp,
            const guint8   *end,
            Attrs          *out)
{
  /* A table whose abbreviations have no attributes has no ops at all: data is NULL then, and
   * even NULL + 0 is undefined. */
  const Op *ops = ab->n_ops > 0 ? &g_array_index (c->abbrevs->ops, Op, ab->first_op) : NULL;
  const guint8 *p = *pp;
  const guint8 *info = r->s->info;

  for (guint i = 0; i < ab->n_ops; i++)
    {
      const Op *op = &ops[i];
      const guint8 *start;
      guint form = op->form;
      guint64 value = 0;
      gint size = op->size;

      if (form == 0)
        {
          if ((guint64) (end - p) < (guint64) size)
            return _hs_scan_corrupt (&r->fail, p - info, "an attribute past the end of its unit");
          p += size;
          continue;
        }

      /* DW_FORM_indirect: the form comes first, in the DIE. One level only. */
      if (form == DW_FORM_indirect)
        {
          guint64 actual;

          if (!hs_read_uleb (&p, end, &actual))
            return _hs_scan_corrupt (&r->fail, p - info, "a truncated DW_FORM_indirect");
          if (actual == DW_FORM_indirect || actual == DW_FORM_implicit_const)
            return _hs_scan_corrupt (&r->fail, p - info, "a DW_FORM_indirect to itself");
          size = _hs_scan_fixed_size (c->unit, actual);
          if (size < 0 && !_hs_scan_known_variable_form (actual))
            return _hs_scan_unsupported (&r->fail, "attribute form", actual);
          form = actual;
        }

      start = p;
      if (size >= 0)
        {
          if (end - p < size)
            return _hs_scan_corrupt (&r->fail, p - info, "an attribute past the end of its unit");
          p += size;
        }
      else
        switch (form)
          {
          case DW_FORM_string:
            {
              const guint8 *nul = memchr (p, 0, end - p);

              if (nul == NULL)
                return _hs_scan_corrupt (&r->fail, p - info, "an unterminated string");
              p = nul + 1;
            }
            break;
          case DW_FORM_block1:
            if (p >= end)
              return _hs_scan_corrupt (&r->fail, p - info, "a truncated block");
            value = *p++;
            goto block;
          case DW_FORM_block2:
            if (end - p < 2)
              return _hs_scan_corrupt (&r->fail, p - info, "a truncated block");
            value = read_le (p, 2);
            p += 2;
            goto block;
          case DW_FORM_block4:
            if (end - p < 4)
              return _hs_scan_corrupt (&r->fail, p - info, "a truncated block");
            value = read_le (p, 4);
            p += 4;
            goto block;
          case DW_FORM_block:
          case DW_FORM_exprloc:
            if (!hs_read_uleb (&p, end, &value))
              return _hs_scan_corrupt (&r->fail, p - info, "a truncated block length");
          block:
            if (value > (guint64) (end - p))
              return _hs_scan_corrupt (&r->fail, p - info, "a block past the end of its unit");
            p += value;
            break;
          default:
            /* The LEB128 forms: udata, sdata, ref_udata, strx, addrx, loclistx, rnglistx. */
            if (!hs_skip_leb (&p, end))
              return _hs_scan_corrupt (&r->fail, p - info, "a truncated LEB128 number");
            break;
          }

      if (op->role != ROLE_SKIP && !read_role (r, c, op->role, form, size, start, p, out))
        return FALSE;
    }
  *pp = p;
  return TRUE;
}

/* The name of a DIE whose attributes were read into @a, or NULL (as dwarf_diename()). */
static const char *
attrs_name (Reader       *r,
            const Cursor *c,
            const Attrs  *a)
{
  guint64 entry, offset;
  guint size = c->unit->offset_size;

  switch (a->name_kind)
    {
    case NAME_NONE:
      return NULL;
    case NAME_STRING:
      return a->name;
    case NAME_STRX:
      if (!c->has_str_offsets_base)
        {
          _hs_scan_unsupported (&r->fail,
                                "DW_FORM_strx without DW_AT_str_offsets_base in the unit at",
                                c->unit->offset);
          return NULL;
        }
      if (a->strx > G_MAXUINT64 / size - 1 || c->str_offsets_base > G_MAXUINT64 - a->strx * size)
        return NULL;
      entry = c->str_offsets_base + a->strx * size;
      if (r->s->str_offsets == NULL || entry >= r->s->str_offsets_size
          || r->s->str_offsets_size - entry < size)
        return NULL;
      offset = read_le (r->s->str_offsets + entry, size);
      return string_at (r->s->str, r->s->str_size, r->str_terminated, offset);
    default:
      g_assert_not_reached ();
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Workers                                                                                    */

/* A name a chunk found: replayed through _hs_dwarf_index_insert() in chunk order. */
typedef struct
{
  const char *name;
  guint64 packed;                      /* die << 4 | ns << 1 | weak */
} LogEntry;

typedef struct
{
  guint first_unit;
  guint end_unit;
  guint64 end_offset;                  /* for progress */
  GArray *log;                         /* of LogEntry; written by the worker that claimed it */
} Chunk;

/* Per name in .debug_str: whether a strong definition was seen. Open addressing, keyed by
 * the offset, not the text: .debug_str is merged, so an offset is (nearly always) one name, and
 * comparing offsets is what makes skipping the repeated header types cheap. Two offsets of the
 * same text only cost an extra log entry; the replay compares text. A lookup is a cache miss
 * (the sets are megabytes on vmlinux), so a slot is as small as it can be: 32 bits, the offset
 * + 1 and STRONG. Names elsewhere (DW_FORM_string, a pointer of their DIE's own) are not kept:
 * see log_name(). */
typedef struct
{
  guint32 *keys;                       /* 0 for an empty slot */
  gsize mask;
  gsize n;
} SeenSet;

#define STRONG 0x80000000u
#define MAX_STR_KEYED (STRONG - 1)      /* .debug_str sizes whose offsets + 1 are keys */

static inline gsize
hash_key (guint32 key)
{
  guint64 h = key * G_GUINT64_CONSTANT (0x9e3779b97f4a7c15);

  return (gsize) (h >> 20);
}

static void
seen_grow (SeenSet *set)
{
  guint32 *old = set->keys;
  gsize old_size = set->keys != NULL ? set->mask + 1 : 0;
  gsize size = MAX (1024, old_size * 2);

  set->keys = g_new0 (guint32, size);
  set->mask = size - 1;
  for (gsize j = 0; j < old_size; j++)
    if (old[j] != 0)
      {
        gsize i;

        for (i = hash_key (old[j] & ~STRONG) & set->mask; set->keys[i] != 0;
             i = (i + 1) & set->mask)
          ;
        set->keys[i] = old[j];
      }
  g_free (old);
}

/* The slot of @key, or the empty one where the caller puts it. */
static inline gsize
seen_lookup (SeenSet *set,
             guint32  key)
{
  gsize i;

  if (G_UNLIKELY (set->n * 2 >= set->mask))
    seen_grow (set);
  for (i = hash_key (key) & set->mask; set->keys[i] != 0; i = (i + 1) & set->mask)
    if ((set->keys[i] & ~STRONG) == key)
      break;
  return i;
}

typedef struct _Scan Scan;

typedef struct
{
  Scan *scan;                          /* Immutable after construction: shared */

  /* Worker only */
  Reader reader;
  GHashTable *abbrev_tables;           /* (abbrev offset, unit shape) -> AbbrevTable */
  SeenSet seen[HS_DWARF_NS_COUNT];
  guint64 n_dies;
  pthread_t thread;
  gboolean started;
} Worker;

struct _Scan
{
  /* Immutable after construction */
  const HsDwarfSections *s;
  const char *basename;
  GArray *units;                       /* of Unit */
  Chunk *chunks;
  guint n_chunks;
  GCancellable *cancellable;

  /* Each worker writes only the slots of the units it claimed; read after the join */
  HsDwarfCu *cus;
  gboolean *cu_present;

  /* Atomic */
  gint next_chunk;
  gint stop;                           /* an error or a cancel: everyone stops */
  gsize done_bytes;
};

static const AbbrevTable *
worker_abbrevs (Worker     *w,
                const Unit *u)
{
  /* A table compiles differently for other offset and address sizes. */
  guint64 key = u->abbrev_offset << 8 | (u->offset_size == 8) << 3 | (u->version <= 2) << 2
                | (u->addr_size >> 1);
  AbbrevTable *table;

  if (u->abbrev_offset >= G_GUINT64_CONSTANT (1) << 55)
    return NULL;
  table = g_hash_table_lookup (w->abbrev_tables, &key);
  if (table == NULL)
    {
      table = _hs_scan_abbrev_table_parse (w->scan->s, u, &w->reader.fail);
      if (table == NULL)
        return NULL;
      g_hash_table_insert (w->abbrev_tables, g_memdup2 (&key, sizeof key), table);
    }
  return table;
}

/* Opens the unit @u: its abbreviations, and its unit DIE's attributes into @cu_attrs. Returns
 * FALSE with the worker's error set, or TRUE with @cu_abbrev NULL for an empty unit. */
static gboolean
cursor_open (Worker        *w,
             const Unit    *u,
             Cursor        *c,
             const Abbrev **cu_abbrev,
             Attrs         *cu_attrs,
             const guint8 **after)
{
  const guint8 *info = w->scan->s->info;
  const guint8 *p = info + u->die;
  const guint8 *end = info + u->end;
  guint64 code;

  memset (c, 0, sizeof *c);
  memset (cu_attrs, 0, sizeof *cu_attrs);
  *cu_abbrev = NULL;
  c->unit = u;
  c->abbrevs = worker_abbrevs (w, u);
  if (c->abbrevs == NULL)
    return FALSE;
  if (p >= end)
    return TRUE;                       /* no DIE at all: an empty unit, as libdwarf */
  if (!hs_read_uleb (&p, end, &code))
    return _hs_scan_corrupt (&w->reader.fail, u->die, "a truncated abbreviation code");
  if (code == 0)
    return TRUE;
  *cu_abbrev = abbrev_find (c->abbrevs, code);
  if (*cu_abbrev == NULL)
    return _hs_scan_corrupt (&w->reader.fail, u->die, "an undefined abbreviation code");
  if (!read_attrs (&w->reader, c, *cu_abbrev, &p, end, cu_attrs))
    return FALSE;
  c->has_str_offsets_base = cu_attrs->has_str_offsets_base;
  c->str_offsets_base = cu_attrs->str_offsets_base;
  *after = p;
  return TRUE;
}

/* The name of the DIE at @off (DW_AT_specification, DW_AT_abstract_origin), or NULL. Only its
 * own DW_AT_name, as libdwarf's dwarf_diename(). */
static const char *
name_at (Worker       *w,
         const Cursor *here,
         guint64       off)
{
  const HsDwarfSections *s = w->scan->s;
  const Unit *u = here->unit;
  Cursor other;
  const Cursor *c = here;
  const Abbrev *ab;
  const guint8 *p, *end;
  Attrs a = { 0 };
  guint64 code;

  if (off < u->die || off >= u->end)
    {
      /* Another unit (DW_FORM_ref_addr): rare outside LTO. */
      const Abbrev *cu_abbrev;
      const guint8 *ignored;
      Attrs cu_attrs;

      u = bsearch (&off, w->scan->units->data, w->scan->units->len, sizeof (Unit),
                   _hs_scan_compare_unit);
      if (u == NULL || off < u->die)
        return NULL;
      if (!cursor_open (w, u, &other, &cu_abbrev, &cu_attrs, &ignored))
        {
          /* Whatever is wrong with that unit is reported when it is indexed. */
          if (g_error_matches (w->reader.fail.error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_CORRUPT))
            g_clear_error (&w->reader.fail.error);
          return NULL;
        }
      c = &other;
    }

  p = s->info + off;
  end = s->info + u->end;
  if (!hs_read_uleb (&p, end, &code) || code == 0)
    return NULL;
  ab = abbrev_find (c->abbrevs, code);
  if (ab == NULL)
    return NULL;
  if (!read_attrs (&w->reader, c, ab, &p, end, &a))
    {
      /* libdwarf would not get a name out of a DIE it cannot read either. */
      if (g_error_matches (w->reader.fail.error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_CORRUPT))
        g_clear_error (&w->reader.fail.error);
      return NULL;
    }
  return attrs_name (&w->reader, c, &a);
}

/* Skips the children of a DIE, from *@pp (its first child) to after the null entry that ends
 * them. Each step consumes at least the abbreviation code or jumps forward. */
static gboolean
skip_children (Worker        *w,
               const Cursor  *c,
               const guint8 **pp,
               const guint8  *end)
{
  const guint8 *info = w->scan->s->info;
  const guint8 *p = *pp;
  guint64 depth = 1;

  while (depth > 0)
    {
      const guint8 *die = p;
      const Abbrev *ab;
      Attrs a;
      guint64 code;

      if (p >= end)
        return _hs_scan_corrupt (&w->reader.fail, p - info,
                                 "children running past the end of the unit");
      if (!read_code (&p, end, &code))
        return _hs_scan_corrupt (&w->reader.fail, die - info, "a truncated abbreviation code");
      if (code == 0)
        {
          depth--;
          continue;
        }
      ab = abbrev_find (c->abbrevs, code);
      if (ab == NULL)
        return _hs_scan_corrupt (&w->reader.fail, die - info, "an undefined abbreviation code");
      a.sibling_kind = REF_NONE;
      if (ab->fixed != NOT_FIXED)
        {
          const guint8 *attrs = p;

          if ((guint64) (end - p) < ab->fixed)
            return _hs_scan_corrupt (&w->reader.fail, p - info,
                                     "an attribute past the end of its unit");
          p += ab->fixed;
          if (ab->children && !read_slot (&w->reader, c, ab, ROLE_SIBLING, attrs, &a))
            return FALSE;
        }
      else if (ab->n_ops > 0)
        {
          /* Only DW_AT_sibling matters here, but the attributes have to be walked. */
          a.name_kind = NAME_NONE;
          a.spec_kind = a.origin_kind = REF_NONE;
          if (!read_attrs (&w->reader, c, ab, &p, end, &a))
            return FALSE;
        }
      if (!ab->children)
        continue;
      if (a.sibling_kind == REF_OK)
        {
          if (a.sibling <= (guint64) (die - info) || a.sibling > (guint64) (end - info))
            return _hs_scan_corrupt (&w->reader.fail, die - info,
                                     "a DW_AT_sibling pointing backwards or out of its unit");
          p = info + a.sibling;
        }
      else
        depth++;
    }
  *pp = p;
  return TRUE;
}

static inline void
log_name (Worker     *w,
          Chunk      *chunk,
          HsDwarfNs   ns,
          const char *name,
          guint64     die,
          gboolean    weak)
{
  const HsDwarfSections *s = w->reader.s;
  guintptr offset = (guintptr) name - (guintptr) s->str;
  LogEntry entry;

  /* First strong wins; a weak one only the first time. See the top of the file for why the
   * replay of these logs equals a sequential walk. The set is asked before the text is read:
   * most names were seen, and their text is a cache miss away. A name outside .debug_str is
   * logged every time: more entries, the same replay. */
  if (s->str_size <= MAX_STR_KEYED && (guintptr) name >= (guintptr) s->str
      && offset < s->str_size)
    {
      SeenSet *set = &w->seen[ns];
      guint32 key = offset + 1;
      gsize i = seen_lookup (set, key);

      if (set->keys[i] != 0 && (weak || (set->keys[i] & STRONG) != 0))
        return;
      if (set->keys[i] == 0)
        {
          set->n++;
          if (name[0] == 0)
            {
              set->keys[i] = key | STRONG;   /* an empty name is never logged: done with it */
              return;
            }
        }
      set->keys[i] = key | (weak ? 0 : STRONG);
    }
  else if (name[0] == 0)
    return;
  entry.name = name;
  entry.packed = die << 4 | (guint64) ns << 1 | (weak ? 1 : 0);
  g_array_append_val (chunk->log, entry);
}

static gboolean
index_unit (Worker *w,
            guint   unit_index,
            Chunk  *chunk)
{
  Scan *scan = w->scan;
  const HsDwarfSections *s = scan->s;
  const Unit *u = &g_array_index (scan->units, Unit, unit_index);
  const guint8 *info = s->info;
  const guint8 *end = info + u->end;
  const guint8 *p = NULL;
  const Abbrev *cu_abbrev;
  Attrs cu_attrs;
  Cursor c;
  HsDwarfCu *cu = &scan->cus[unit_index];

  if (!cursor_open (w, u, &c, &cu_abbrev, &cu_attrs, &p))
    return FALSE;
  if (cu_abbrev == NULL)
    return TRUE;                       /* an empty unit: not listed, as libdwarf */
  cu->die = u->die;
  cu->name = attrs_name (&w->reader, &c, &cu_attrs);
  cu->version = u->version;
  scan->cu_present[unit_index] = TRUE;
  if (w->reader.fail.error != NULL)
    return FALSE;
  if (!cu_abbrev->children)
    return TRUE;

  /* The top-level DIEs, up to the null entry that ends them (or the end of the unit). */
  while (p < end)
    {
      const guint8 *die = p;
      guint64 die_off = die - info;
      const Abbrev *ab;
      const char *name;
      const guint8 *attrs;             /* when @ab has a fixed layout */
      guint64 code;
      gboolean weak = FALSE;
      Attrs a;

      if (!read_code (&p, end, &code))
        return _hs_scan_corrupt (&w->reader.fail, die_off, "a truncated abbreviation code");
      if (code == 0)
        break;
      ab = abbrev_find (c.abbrevs, code);
      if (ab == NULL)
        return _hs_scan_corrupt (&w->reader.fail, die_off, "an undefined abbreviation code");
      a.name_kind = NAME_NONE;
      a.sibling_kind = a.spec_kind = a.origin_kind = REF_NONE;
      attrs = NULL;
      if (ab->fixed != NOT_FIXED)
        {
          /* Only what is used below is read: the name of a DIE the index keeps, the sibling
           * of one with children, and the references of a nameless definition (later). */
          attrs = p;
          if ((guint64) (end - p) < ab->fixed)
            return _hs_scan_corrupt (&w->reader.fail, p - info,
                                     "an attribute past the end of its unit");
          p += ab->fixed;
          if ((ab->ns >= 0 && !read_slot (&w->reader, &c, ab, ROLE_NAME, attrs, &a))
              || (ab->children && !read_slot (&w->reader, &c, ab, ROLE_SIBLING, attrs, &a)))
            return FALSE;
        }
      else if (!read_attrs (&w->reader, &c, ab, &p, end, &a))
        return FALSE;
      w->n_dies++;

      if (ab->ns >= 0)
        {
          name = attrs_name (&w->reader, &c, &a);
          if (w->reader.fail.error != NULL)
            return FALSE;
          switch (ab->ns)
            {
            case HS_DWARF_NS_STRUCT:
            case HS_DWARF_NS_UNION:
            case HS_DWARF_NS_ENUM:
              /* "struct task_struct;" is not a definition. */
              if ((ab->flags & HAS_DECLARATION) != 0)
                name = NULL;
              break;
            case HS_DWARF_NS_TYPEDEF:
              break;
            case HS_DWARF_NS_VARIABLE:
            case HS_DWARF_NS_FUNCTION:
              weak = ab->ns == HS_DWARF_NS_VARIABLE
                ? (ab->flags & HAS_LOCATION) == 0
                : (ab->flags & (HAS_LOW_PC | HAS_RANGES)) == 0;
              if (name == NULL && !weak)
                {
                  if (attrs != NULL
                      && (!read_slot (&w->reader, &c, ab, ROLE_SPECIFICATION, attrs, &a)
                          || !read_slot (&w->reader, &c, ab, ROLE_ABSTRACT_ORIGIN, attrs, &a)))
                    return FALSE;
                  if (a.spec_kind == REF_OK)
                    name = name_at (w, &c, a.spec);
                  else if (a.origin_kind == REF_OK)
                    name = name_at (w, &c, a.origin);
                  if (w->reader.fail.error != NULL)
                    return FALSE;
                }
              break;
            default:
              g_assert_not_reached ();
            }
          if (name != NULL)
            log_name (w, chunk, ab->ns, name, die_off, weak);
        }

      if (!ab->children)
        continue;
      if (a.sibling_kind == REF_OK)
        {
          if (a.sibling <= die_off || a.sibling > u->end)
            return _hs_scan_corrupt (&w->reader.fail, die_off,
                                     "a DW_AT_sibling pointing backwards or out of its unit");
          p = info + a.sibling;
        }
      else if (!skip_children (w, &c, &p, end))
        return FALSE;
    }
  return TRUE;
}

static gpointer
worker_run (gpointer data)
{
  Worker *w = data;
  Scan *scan = w->scan;

  for (;;)
    {
      gint i = g_atomic_int_add (&scan->next_chunk, 1);
      Chunk *chunk;

      if (i >= (gint) scan->n_chunks || g_atomic_int_get (&scan->stop))
        break;
      chunk = &scan->chunks[i];
      for (guint u = chunk->first_unit; u < chunk->end_unit; u++)
        {
          const Unit *unit = &g_array_index (scan->units, Unit, u);

          if (g_atomic_int_get (&scan->stop))
            return NULL;
          if (g_cancellable_is_cancelled (scan->cancellable))
            {
              g_atomic_int_set (&scan->stop, TRUE);
              return NULL;
            }
          if (!index_unit (w, u, chunk))
            {
              g_atomic_int_set (&scan->stop, TRUE);
              return NULL;
            }
          g_atomic_pointer_add (&scan->done_bytes, unit->end - unit->offset);
        }
    }
  return NULL;
}

static void
worker_clear (Worker *w)
{
  g_clear_pointer (&w->abbrev_tables, g_hash_table_unref);
  for (guint i = 0; i < HS_DWARF_NS_COUNT; i++)
    g_clear_pointer (&w->seen[i].keys, g_free);
  g_clear_error (&w->reader.fail.error);
}

/* ------------------------------------------------------------------------------------------ */
/* The merge                                                                                  */

/* Replays the logs of every chunk, in order, for the namespaces in @ns_mask. Merge threads own
 * disjoint namespaces of the new index (each its own hash tables), and only read the logs. */
typedef struct
{
  const Scan *scan;                    /* Immutable: the workers have been joined */
  HsDwarfIndex *index;
  guint ns_mask;
  guint64 n_logged;                    /* Merge thread only */
  pthread_t thread;
  gboolean started;
} Merge;

static gpointer
merge_run (gpointer data)
{
  Merge *m = data;

  for (guint c = 0; c < m->scan->n_chunks; c++)
    {
      GArray *log = m->scan->chunks[c].log;

      for (guint e = 0; e < log->len; e++)
        {
          const LogEntry *entry = &g_array_index (log, LogEntry, e);
          guint ns = (entry->packed >> 1) & 7;

          if ((m->ns_mask & (1u << ns)) == 0)
            continue;
          m->n_logged++;
          _hs_dwarf_index_insert (m->index, ns, entry->name, entry->packed >> 4,
                                  entry->packed & 1);
        }
    }
  return NULL;
}

/* ------------------------------------------------------------------------------------------ */
/* The whole scan                                                                             */

guint
_hs_dwarf_scan_threads (guint64 info_size)
{
  /* Threads cost more than they save on small files. */
  if (info_size < 4 * 1024 * 1024)
    return 1;
  return CLAMP (g_get_num_processors (), 1, MAX_THREADS);
}

static gboolean
ends_with_nul (const guint8 *section,
               guint64       size)
{
  return section != NULL && size > 0 && section[size - 1] == 0;
}

HsDwarfIndex *
_hs_dwarf_scan_index (const HsDwarfSections *s,
                      const char            *basename,
                      guint                  n_threads,
                      HsSymbolsProgressFunc  progress,
                      gpointer               progress_data,
                      const char            *progress_what,
                      GCancellable          *cancellable,
                      GError               **error)
{
  g_autoptr(GArray) units = g_array_new (FALSE, FALSE, sizeof (Unit));
  Scan scan = { 0 };
  Worker *workers;
  HsDwarfIndex *index = NULL;
  GError *first_error = NULL;
  Fail fail = { basename, NULL };
  guint64 per_chunk, bytes = 0;
  double reported = 0;
  gint64 start = g_get_monotonic_time ();

  g_assert (s->info != NULL && s->abbrev != NULL);

  if (!_hs_scan_read_units (s, &fail, units))
    {
      g_propagate_error (error, fail.error);
      return NULL;
    }

  n_threads = CLAMP (n_threads, 1, MAX_THREADS);
  scan.s = s;
  scan.basename = basename;
  scan.units = units;
  scan.cancellable = cancellable;
  scan.cus = g_new0 (HsDwarfCu, MAX (units->len, 1));
  scan.cu_present = g_new0 (gboolean, MAX (units->len, 1));

  /* Chunks of consecutive units of about equal size, several per thread. */
  scan.chunks = g_new0 (Chunk, MAX (units->len, 1));
  per_chunk = MAX (1, s->info_size / (n_threads * CHUNKS_PER_THREAD));
  for (guint i = 0; i < units->len; i++)
    {
      const Unit *u = &g_array_index (units, Unit, i);
      Chunk *chunk = scan.n_chunks > 0 ? &scan.chunks[scan.n_chunks - 1] : NULL;

      if (chunk == NULL || bytes >= per_chunk)
        {
          chunk = &scan.chunks[scan.n_chunks++];
          chunk->first_unit = i;
          chunk->log = g_array_new (FALSE, FALSE, sizeof (LogEntry));
          bytes = 0;
        }
      chunk->end_unit = i + 1;
      chunk->end_offset = u->end;
      bytes += u->end - u->offset;
    }

  workers = g_new0 (Worker, n_threads);
  for (guint i = 0; i < n_threads; i++)
    {
      Worker *w = &workers[i];

      w->scan = &scan;
      w->reader.s = s;
      w->reader.str_terminated = ends_with_nul (s->str, s->str_size);
      w->reader.line_str_terminated = ends_with_nul (s->line_str, s->line_str_size);
      w->reader.fail.basename = basename;
      w->abbrev_tables = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                                _hs_scan_abbrev_table_free);
    }

  /* Workers 1.. on their own threads; worker 0 is this thread, which also reports progress
   * (the callback promises to run in the calling thread). */
  for (guint i = 1; i < n_threads && scan.n_chunks > 1; i++)
    workers[i].started = pthread_create (&workers[i].thread, NULL, worker_run, &workers[i]) == 0;

  if (progress != NULL)
    progress (0, progress_what, progress_data);
  for (;;)
    {
      gint i = g_atomic_int_add (&scan.next_chunk, 1);
      Chunk *chunk;
      gboolean ok = TRUE;

      if (i >= (gint) scan.n_chunks || g_atomic_int_get (&scan.stop))
        break;
      chunk = &scan.chunks[i];
      for (guint u = chunk->first_unit; ok && u < chunk->end_unit; u++)
        {
          const Unit *unit = &g_array_index (units, Unit, u);

          if (g_atomic_int_get (&scan.stop) || g_cancellable_is_cancelled (cancellable)
              || !index_unit (&workers[0], u, chunk))
            {
              g_atomic_int_set (&scan.stop, TRUE);
              ok = FALSE;
              break;
            }
          g_atomic_pointer_add (&scan.done_bytes, unit->end - unit->offset);
          if (progress != NULL)
            {
              double fraction = MIN (1.0, (double) g_atomic_pointer_get (&scan.done_bytes)
                                          / MAX (s->info_size, 1));

              if (fraction - reported >= 0.01)
                {
                  progress (fraction, progress_what, progress_data);
                  reported = fraction;
                }
            }
        }
      if (!ok)
        break;
    }
  for (guint i = 1; i < n_threads; i++)
    if (workers[i].started)
      pthread_join (workers[i].thread, NULL);

  /* From here on this thread owns everything again (pthread_join orders it). With several
   * errors, which one is reported depends on timing; any of them says the file is unusable
   * (or, for NOT_SUPPORTED, that libdwarf must index it). */
  for (guint i = 0; i < n_threads && first_error == NULL; i++)
    if (workers[i].reader.fail.error != NULL)
      first_error = g_error_copy (workers[i].reader.fail.error);
  if (first_error == NULL && g_atomic_int_get (&scan.stop))
    g_set_error (&first_error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "indexing %s was cancelled",
                 basename);

  if (first_error == NULL)
    {
      gint64 merge_start = g_get_monotonic_time ();
      guint64 n_logged = 0;

      /* Functions are the most names (74,000 of vmlinux's 120,000): with a second thread,
       * they are merged there while this one does the rest. */
      Merge merges[2] = {
        { &scan, NULL, ~0u, 0, 0, FALSE },
        { &scan, NULL, 1u << HS_DWARF_NS_FUNCTION, 0, 0, FALSE },
      };

      index = _hs_dwarf_index_new ();
      merges[0].index = merges[1].index = index;
      if (n_threads > 1)
        {
          merges[1].started = pthread_create (&merges[1].thread, NULL, merge_run,
                                              &merges[1]) == 0;
          if (merges[1].started)
            merges[0].ns_mask &= ~merges[1].ns_mask;
        }
      merge_run (&merges[0]);
      if (merges[1].started)
        pthread_join (merges[1].thread, NULL);
      n_logged = merges[0].n_logged + merges[1].n_logged;

      for (guint i = 0; i < units->len; i++)
        if (scan.cu_present[i])
          g_array_append_val (index->cus, scan.cus[i]);
      for (guint i = 0; i < n_threads; i++)
        index->n_dies += workers[i].n_dies;
      index->source = HS_DWARF_INDEX_SCAN;
      index->seconds = (g_get_monotonic_time () - start) / 1e6;
      g_debug ("%s: scanned %u units in %u chunks on %u threads in %.3f s, then merged %"
               G_GUINT64_FORMAT " names in %.3f s", basename, units->len, scan.n_chunks,
               n_threads, (merge_start - start) / 1e6, n_logged,
               (g_get_monotonic_time () - merge_start) / 1e6);
      if (progress != NULL)
        progress (1.0, progress_what, progress_data);
    }
  else
    g_propagate_error (error, first_error);

  for (guint i = 0; i < n_threads; i++)
    worker_clear (&workers[i]);
  g_free (workers);
  for (guint c = 0; c < scan.n_chunks; c++)
    g_array_unref (scan.chunks[c].log);
  g_free (scan.chunks);
  g_free (scan.cus);
  g_free (scan.cu_present);
  return index;
}
