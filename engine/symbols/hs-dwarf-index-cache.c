/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-dwarf-index-cache.c: the DWARF name index saved on disk, so that loading
 * the same vmlinux again costs a file read instead of a scan of its DWARF.
 *
 * A cache file is named after the ELF file's NT_GNU_BUILD_ID, under
 * $HYPERSCOPE_INDEX_CACHE_DIR or else $XDG_CACHE_HOME/hyperscope/dwarf-index/,
 * and also records the file's modification time, its size and its
 * .debug_info, .debug_abbrev and .debug_str sizes: a rebuilt kernel with the
 * same build ID (it happens with hand-set IDs) or a file patched in place
 * does not match. A copy of the file is indexed once more, which is cheap
 * next to trusting an index of other bytes. HYPERSCOPE_NO_INDEX_CACHE=1
 * turns the cache off. A file without a build ID is never cached.
 *
 * The file is input like any other: a stale, truncated or corrupt one is
 * ignored (g_debug says why) and the index rebuilt. The header carries a
 * checksum of the whole file, and every count, offset and name is checked before
 * use, so that even a file that passes the checksum cannot make a lookup read
 * outside it: DIE offsets fall inside .debug_info, names inside the string
 * blob, which ends with a NUL.
 *
 * Layout (little-endian, as the only hosts we build for):
 *   CacheHeader
 *   n_cus × CuRecord
 *   for each namespace, n_names[ns] × NameRecord
 *   strings_size bytes of NUL-terminated names
 *
 * Threads: runs in the indexing thread, with the symbol file's DWARF lock held.
 */
#define G_LOG_DOMAIN "hs-symbols"

#include "config.h"

#include "hs-symbol-file-private.h"

#include <errno.h>
#include <string.h>
#include <glib/gstdio.h>

#define CACHE_MAGIC "HSDWIDX\n"
#define CACHE_VERSION 2
#define NO_NAME G_MAXUINT32

typedef struct
{
  char magic[8];
  guint32 version;
  guint32 build_id_len;
  guint8 build_id[64];
  guint64 file_size;
  gint64 mtime_ns;
  guint64 info_size;
  guint64 abbrev_size;
  guint64 str_size;
  guint64 n_dies;
  guint32 n_cus;
  guint32 n_names[HS_DWARF_NS_COUNT];
  guint32 reserved;
  guint64 strings_size;
  guint64 payload_size;
  guint64 checksum;                    /* of the file, with this field as 0 */
} CacheHeader;

typedef struct
{
  guint64 die;
  guint32 name;                        /* offset in the strings, or NO_NAME */
  guint16 version;
  guint16 reserved;
} CuRecord;

typedef struct
{
  guint64 entry;                       /* die << 1 | weak, as HS_DWARF_ENTRY */
  guint32 name;
  guint32 reserved;
} NameRecord;

G_STATIC_ASSERT (sizeof (CacheHeader) == 184);
G_STATIC_ASSERT (sizeof (CuRecord) == 16);
G_STATIC_ASSERT (sizeof (NameRecord) == 16);

/* Detects any single changed 64-bit word for sure (each step is a bijection of the state), and
 * mixes high bits into low ones, so that two changes rarely cancel. Fast: about 3 ms for
 * vmlinux's 10 MB index. Not a defence against forgery; the checks after it are. */
static guint64
checksum_update (guint64       h,
                 const guint8 *data,
                 gsize         size)
{
  gsize i = 0;

  h ^= size;
  for (; i + 8 <= size; i += 8)
    {
      guint64 w;

      memcpy (&w, data + i, 8);
      h ^= w;
      h = (h << 29 | h >> 35) * G_GUINT64_CONSTANT (0x9e3779b97f4a7c15);
    }
  if (i < size)
    {
      guint64 w = 0;

      memcpy (&w, data + i, size - i);
      h ^= w;
      h = (h << 29 | h >> 35) * G_GUINT64_CONSTANT (0x9e3779b97f4a7c15);
    }
  return h;
}

/* Of the whole file, the header included with its checksum field as 0. */
static guint64
checksum (const CacheHeader *header,
          const guint8      *payload,
          gsize              payload_size)
{
  CacheHeader h = *header;
  guint64 sum;

  h.checksum = 0;
  sum = checksum_update (G_GUINT64_CONSTANT (0xcbf29ce484222325), (const guint8 *) &h, sizeof h);
  sum = checksum_update (sum, payload, payload_size);
  sum ^= sum >> 33;
  sum *= G_GUINT64_CONSTANT (0xff51afd7ed558ccd);
  sum ^= sum >> 33;
  return sum;
}

char *
_hs_dwarf_cache_path (const HsDwarfCacheKey *key)
{
  const char *disabled = g_getenv ("HYPERSCOPE_NO_INDEX_CACHE");
  const char *dir = g_getenv ("HYPERSCOPE_INDEX_CACHE_DIR");
  g_autofree char *hex = NULL;
  g_autofree char *file = NULL;

  if (G_BYTE_ORDER != G_LITTLE_ENDIAN)
    return NULL;
  if (disabled != NULL && disabled[0] != 0 && strcmp (disabled, "0") != 0)
    return NULL;
  if (key->build_id_len == 0)
    return NULL;

  hex = g_malloc (2 * key->build_id_len + 1);
  for (guint i = 0; i < key->build_id_len; i++)
    g_snprintf (hex + 2 * i, 3, "%02x", key->build_id[i]);
  file = g_strconcat (hex, ".idx", NULL);
  if (dir != NULL && dir[0] != 0)
    return g_build_filename (dir, file, NULL);
  return g_build_filename (g_get_user_cache_dir (), "hyperscope", "dwarf-index", file, NULL);
}

static gboolean
header_matches (const CacheHeader     *h,
                const HsDwarfCacheKey *key,
                const char           **why)
{
  if (memcmp (h->magic, CACHE_MAGIC, 8) != 0)
    *why = "not an index cache file";
  else if (h->version != CACHE_VERSION)
    *why = "another format version";
  else if (h->build_id_len != key->build_id_len
           || memcmp (h->build_id, key->build_id, key->build_id_len) != 0)
    *why = "another build ID";
  else if (h->mtime_ns != key->mtime_ns)
    *why = "the file changed since (modification time)";
  else if (h->file_size != key->file_size || h->info_size != key->info_size
           || h->abbrev_size != key->abbrev_size || h->str_size != key->str_size)
    *why = "another file (sizes differ)";
  else
    return TRUE;
  return FALSE;
}

HsDwarfIndex *
_hs_dwarf_cache_load (const char            *path,
                      const HsDwarfCacheKey *key)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0;
  CacheHeader h;
  const guint8 *payload;
  const CuRecord *cus;
  const NameRecord *names;
  const char *strings;
  guint64 n_names = 0, expected;
  const char *why = NULL;
  HsDwarfIndex *index;
  gint64 start = g_get_monotonic_time ();

  if (!g_file_get_contents (path, &contents, &length, &error))
    {
      if (!g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        g_debug ("index cache %s unusable: %s", path, error->message);
      return NULL;
    }
  if (length < sizeof h)
    {
      g_debug ("index cache %s ignored: truncated (%" G_GSIZE_FORMAT " bytes)", path, length);
      return NULL;
    }
  memcpy (&h, contents, sizeof h);
  if (!header_matches (&h, key, &why))
    {
      g_debug ("index cache %s ignored: %s", path, why);
      return NULL;
    }

  /* Counts first, each bounded before anything is multiplied or allocated: a name or a CU
   * needs at least a byte of .debug_info, and a record 16 bytes of this file. */
  for (guint ns = 0; ns < HS_DWARF_NS_COUNT; ns++)
    n_names += h.n_names[ns];
  if (h.n_cus > key->info_size || n_names > key->info_size || h.n_dies > key->info_size
      || h.n_cus > length / sizeof (CuRecord) || n_names > length / sizeof (NameRecord)
      || h.strings_size > length || h.payload_size != length - sizeof h)
    {
      g_debug ("index cache %s ignored: counts that do not fit the file", path);
      return NULL;
    }
  expected = h.n_cus * sizeof (CuRecord) + n_names * sizeof (NameRecord) + h.strings_size;
  if (expected != h.payload_size)
    {
      g_debug ("index cache %s ignored: truncated or padded (%" G_GUINT64_FORMAT " bytes of "
               "payload, %" G_GUINT64_FORMAT " expected)", path, h.payload_size, expected);
      return NULL;
    }
  payload = (const guint8 *) contents + sizeof h;
  if (checksum (&h, payload, h.payload_size) != h.checksum)
    {
      g_debug ("index cache %s ignored: checksum mismatch (corrupt)", path);
      return NULL;
    }
  cus = (const CuRecord *) payload;
  names = (const NameRecord *) (payload + h.n_cus * sizeof (CuRecord));
  strings = (const char *) (payload + h.n_cus * sizeof (CuRecord)
                            + n_names * sizeof (NameRecord));
  if (h.strings_size > 0 && strings[h.strings_size - 1] != 0)
    {
      g_debug ("index cache %s ignored: unterminated names", path);
      return NULL;
    }

  index = _hs_dwarf_index_new ();
  index->n_dies = h.n_dies;
  g_array_set_size (index->cus, h.n_cus);
  for (guint i = 0; i < h.n_cus; i++)
    {
      HsDwarfCu *cu = &g_array_index (index->cus, HsDwarfCu, i);

      if (cus[i].die >= key->info_size || (i > 0 && cus[i].die <= cus[i - 1].die)
          || (cus[i].name != NO_NAME && cus[i].name >= h.strings_size))
        {
          why = "a CU record out of range or out of order";
          goto bad;
        }
      cu->die = cus[i].die;
      cu->name = cus[i].name != NO_NAME ? strings + cus[i].name : NULL;
      cu->version = cus[i].version;
    }
  for (guint ns = 0; ns < HS_DWARF_NS_COUNT; ns++)
    {
      for (guint32 i = 0; i < h.n_names[ns]; i++, names++)
        {
          if ((names->entry >> 1) >= key->info_size || names->name >= h.strings_size
              || strings[names->name] == 0)
            {
              why = "a name record out of range";
              goto bad;
            }
          g_hash_table_insert (index->names[ns], (gpointer) (strings + names->name),
                               GSIZE_TO_POINTER ((gsize) names->entry));
        }
      if (g_hash_table_size (index->names[ns]) != h.n_names[ns])
        {
          why = "a name recorded twice";
          goto bad;
        }
    }

  index->strings = g_bytes_new_take (g_steal_pointer (&contents), length);
  index->source = HS_DWARF_INDEX_CACHE;
  index->seconds = (g_get_monotonic_time () - start) / 1e6;
  return index;

bad:
  g_debug ("index cache %s ignored: %s", path, why);
  _hs_dwarf_index_free (index);
  return NULL;
}

static guint32
append_string (GString    *strings,
               const char *s)
{
  guint32 offset;

  if (s == NULL)
    return NO_NAME;
  offset = strings->len;
  g_string_append_len (strings, s, strlen (s) + 1);
  return offset;
}

void
_hs_dwarf_cache_save (const char            *path,
                      const HsDwarfCacheKey *key,
                      const HsDwarfIndex    *index)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(GString) strings = g_string_sized_new (4 << 20);
  g_autoptr(GByteArray) file = NULL;
  CacheHeader h = { 0 };
  guint64 n_names = 0;

  for (guint ns = 0; ns < HS_DWARF_NS_COUNT; ns++)
    n_names += g_hash_table_size (index->names[ns]);
  if (index->cus->len >= G_MAXUINT32 || n_names >= G_MAXUINT32)
    return;

  file = g_byte_array_sized_new (sizeof h + (index->cus->len + n_names) * 16);
  g_byte_array_set_size (file, sizeof h);
  for (guint i = 0; i < index->cus->len; i++)
    {
      const HsDwarfCu *cu = &g_array_index (index->cus, HsDwarfCu, i);
      CuRecord r = { cu->die, append_string (strings, cu->name), cu->version, 0 };

      g_byte_array_append (file, (const guint8 *) &r, sizeof r);
    }
  for (guint ns = 0; ns < HS_DWARF_NS_COUNT; ns++)
    {
      GHashTableIter iter;
      gpointer name, entry;

      h.n_names[ns] = g_hash_table_size (index->names[ns]);
      g_hash_table_iter_init (&iter, index->names[ns]);
      while (g_hash_table_iter_next (&iter, &name, &entry))
        {
          NameRecord r = { GPOINTER_TO_SIZE (entry), append_string (strings, name), 0 };

          g_byte_array_append (file, (const guint8 *) &r, sizeof r);
        }
    }
  if (strings->len >= G_MAXUINT32)
    return;
  g_byte_array_append (file, (const guint8 *) strings->str, strings->len);

  memcpy (h.magic, CACHE_MAGIC, 8);
  h.version = CACHE_VERSION;
  h.build_id_len = key->build_id_len;
  memcpy (h.build_id, key->build_id, key->build_id_len);
  h.file_size = key->file_size;
  h.mtime_ns = key->mtime_ns;
  h.info_size = key->info_size;
  h.abbrev_size = key->abbrev_size;
  h.str_size = key->str_size;
  h.n_dies = index->n_dies;
  h.n_cus = index->cus->len;
  h.strings_size = strings->len;
  h.payload_size = file->len - sizeof h;
  h.checksum = checksum (&h, file->data + sizeof h, h.payload_size);
  memcpy (file->data, &h, sizeof h);

  /* g_file_set_contents() writes a temporary file and renames it over @path: a reader never
   * sees half a file, and two writers leave one whole one. */
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_debug ("cannot create %s for the index cache: %s", dir, g_strerror (saved_errno));
      return;
    }
  if (!g_file_set_contents (path, (const char *) file->data, file->len, &error))
    g_debug ("cannot save the index cache: %s", error->message);
}
