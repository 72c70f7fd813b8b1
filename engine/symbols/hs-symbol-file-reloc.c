/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-symbol-file-reloc.c: HsSymbolFile for a relocatable file (a kernel
 * module) placed where the target loaded it.
 *
 * The file is copied into an anonymous memory file (memfd), relocated there by
 * hs-elf-reloc.c, and then opened by the same loader as a linked file, which
 * from then on sees an ordinary ET_EXEC whose sections and symbols have their
 * runtime addresses and whose DWARF is relocated. Nothing else needs to know:
 * libelf, libdwarf and our own DWARF readers read the relocated bytes.
 *
 * A linked file (ET_EXEC, ET_DYN) given with no section map is loaded as
 * hs_symbol_file_load() would, so that a caller may hand every file it finds
 * to this entry point; with a map it is an error, as its sections already
 * have addresses (bind it at a load offset instead).
 *
 * hs_symbol_file_load() of a relocatable file comes here too, with every
 * section at 0: its answers are section offsets as before, but its DWARF is
 * relocated by the checked code in hs-elf-reloc.c. Left to itself, libdwarf
 * relocates an object's .debug_* sections on its own, after (and so unseen
 * by) the checks hs-dwarf-precheck.c makes of the bytes it will read:
 * fuzz-elf found a relocation over a .debug_rnglists header that then sent
 * libdwarf 20210528 into a double free.
 */
#define _GNU_SOURCE
#define G_LOG_DOMAIN "hs-symbols"

#include "config.h"

#include "hs-sync.h"

#include "hs-symbol-file.h"
#include "hs-symbol-file-private.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

guint
_hs_elf_aarch64_type (int fd)
{
  guint8 header[20];

  if (pread (fd, header, sizeof header, 0) != (ssize_t) sizeof header
      || memcmp (header, ELFMAG, SELFMAG) != 0 || header[EI_CLASS] != ELFCLASS64
      || header[EI_DATA] != ELFDATA2LSB || (header[18] | header[19] << 8) != EM_AARCH64)
    return ET_NONE;
  return header[16] | header[17] << 8;
}

/* @size bytes of @fd into @buffer; FALSE with errno set (0 for a file that got shorter). */
static gboolean
read_all (int     fd,
          guint8 *buffer,
          gsize   size)
{
  gsize done = 0;

  while (done < size)
    {
      ssize_t n = pread (fd, buffer + done, size - done, (off_t) done);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          if (n == 0)
            errno = 0;
          return FALSE;
        }
      done += (gsize) n;
    }
  return TRUE;
}

/* The relocated copy of @fd (@size bytes) as a memfd, or -1 with @error set. */
static int
relocated_copy (HsSymbolFile            *self,
                int                      fd,
                gsize                    size,
                const HsSectionAddress  *sections,
                guint                    n_sections,
                gboolean                 section_relative,
                GError                 **error)
{
  guint8 *image;
  int memfd, saved_errno;

  memfd = memfd_create (self->basename, MFD_CLOEXEC);
  if (memfd < 0 || ftruncate (memfd, (off_t) size) != 0)
    {
      saved_errno = errno;
      g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_OPEN,
                   "cannot load %s: no memory for its relocated copy (%s)", self->path,
                   g_strerror (saved_errno));
      if (memfd >= 0)
        close (memfd);
      return -1;
    }
  image = mmap (NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, memfd, 0);
  if (image == MAP_FAILED)
    {
      saved_errno = errno;
      g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_OPEN,
                   "cannot load %s: cannot map its relocated copy (%s)", self->path,
                   g_strerror (saved_errno));
      close (memfd);
      return -1;
    }

  if (!read_all (fd, image, size))
    {
      saved_errno = errno;
      g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_OPEN, "cannot read %s: %s",
                   self->path, saved_errno != 0 ? g_strerror (saved_errno)
                                                : "it got shorter while it was read");
    }
  else
    self->reloc = _hs_elf_relocate (image, size, self->path, sections, n_sections,
                                    section_relative, error);
  munmap (image, size);
  if (self->reloc == NULL)
    {
      close (memfd);
      return -1;
    }
  return memfd;
}

/**
 * hs_symbol_file_load_relocated:
 * @path: a relocatable ELF file: a kernel module's .ko, with its DWARF (Debian's -dbg
 *   packages ship them so)
 * @sections: (array length=n_sections): where the target placed each section, by name, as
 *   the kernel lists them (/sys/module/NAME/sections/, or struct module's sect_attrs)
 * @error: where to say why not
 *
 * Loads @path as if a linker had placed its sections at @sections: see hs-elf-reloc.c for
 * what that does to the file's copy. hs_symbol_file_get_path() is @path. A name in
 * @sections that is not an allocated section of the file is ignored (describe() lists it);
 * the same name twice, or a section that would run past the top of the address space, is an
 * error. Relocations that cannot be applied are counted (describe() says how many), not
 * errors; a relocation outside its section or naming a symbol that does not exist is.
 *
 * A linked file (ET_EXEC, ET_DYN) loads as with hs_symbol_file_load() when @n_sections is 0,
 * and is refused otherwise. The file is read into memory (at most 512 MiB), so that it may
 * change on disk afterwards. Blocking: call it from a worker thread.
 *
 * Returns: (transfer full): the file, or %NULL with @error set
 */
HsSymbolFile *
hs_symbol_file_load_relocated (const char              *path,
                               const HsSectionAddress  *sections,
                               guint                    n_sections,
                               GError                 **error)
{
  g_autoptr(HsSymbolFile) self = NULL;
  guint type;
  int fd;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (sections != NULL || n_sections == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (HS_TYPE_SYMBOL_FILE, NULL);
  self->path = g_strdup (path);
  self->basename = g_path_get_basename (path);
  fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    {
      int saved_errno = errno;

      g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_OPEN,
                   "cannot open %s: %s", path, g_strerror (saved_errno));
      return NULL;
    }

  type = _hs_elf_aarch64_type (fd);
  if (type != ET_REL)
    {
      if (n_sections > 0 && type != ET_NONE)
        {
          g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_INVALID,
                       "%s is a linked file, not a relocatable object (a kernel module's "
                       ".ko): its sections already have addresses; load it without a "
                       "section map and bind it at a load offset instead", path);
          close (fd);
          return NULL;
        }
      /* A linked file, or one that the plain loader explains best what is wrong with. */
      if (!_hs_symbol_file_open_fd (self, fd, error))
        return NULL;
      return g_steal_pointer (&self);
    }

  if (!_hs_symbol_file_open_relocated (self, fd, sections, n_sections, FALSE, error))
    return NULL;
  return g_steal_pointer (&self);
}

gboolean
_hs_symbol_file_open_relocated (HsSymbolFile            *self,
                                int                      fd,
                                const HsSectionAddress  *map,
                                guint                    n_map,
                                gboolean                 section_relative,
                                GError                 **error)
{
  struct stat st;
  int memfd;

  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_OPEN,
                   "cannot load %s: not a regular file", self->path);
      close (fd);
      return FALSE;
    }
  if ((guint64) st.st_size > HS_ELF_RELOC_MAX_FILE_SIZE)
    {
      g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_UNSUPPORTED,
                   "%s is a relocatable file of %" G_GUINT64_FORMAT " MiB: it would be copied "
                   "into memory to be relocated, and files over %" G_GUINT64_FORMAT " MiB are "
                   "not (a kernel module's debug file is a few MiB)", self->path,
                   (guint64) st.st_size >> 20, HS_ELF_RELOC_MAX_FILE_SIZE >> 20);
      close (fd);
      return FALSE;
    }

  memfd = relocated_copy (self, fd, st.st_size, map, n_map, section_relative, error);
  close (fd);
  if (memfd < 0 || !_hs_symbol_file_open_fd (self, memfd, error))
    return FALSE;
  self->elf_type = ET_REL;
  return TRUE;
}

typedef struct
{
  char *path;
  GArray *sections;              /* of HsSectionAddress, names owned */
} LoadRelocated;

static void
section_address_clear (HsSectionAddress *section)
{
  g_free ((char *) section->name);
}

static void
load_relocated_free (LoadRelocated *load)
{
  g_free (load->path);
  g_array_unref (load->sections);
  g_free (load);
}

static void
load_relocated_thread (GTask        *task,
                       gpointer      source_object,
                       gpointer      task_data,
                       GCancellable *cancellable)
{
  LoadRelocated *load = task_data;
  GError *error = NULL;
  HsSymbolFile *file;

  file = hs_symbol_file_load_relocated (load->path, (HsSectionAddress *) load->sections->data,
                                        load->sections->len, &error);
  if (file == NULL)
    hs_task_return_error (task, error);
  else
    hs_task_return_pointer (task, file, g_object_unref);
}

/**
 * hs_symbol_file_load_relocated_async:
 *
 * hs_symbol_file_load_relocated() on a worker thread; @sections is copied, and @callback runs
 * in the thread-default main context.
 */
void
hs_symbol_file_load_relocated_async (const char              *path,
                                     const HsSectionAddress  *sections,
                                     guint                    n_sections,
                                     GCancellable            *cancellable,
                                     GAsyncReadyCallback      callback,
                                     gpointer                 user_data)
{
  g_autoptr(GTask) task = NULL;
  LoadRelocated *load;

  g_return_if_fail (path != NULL);
  g_return_if_fail (sections != NULL || n_sections == 0);

  load = g_new0 (LoadRelocated, 1);
  load->path = g_strdup (path);
  load->sections = g_array_sized_new (FALSE, FALSE, sizeof (HsSectionAddress), n_sections);
  g_array_set_clear_func (load->sections, (GDestroyNotify) section_address_clear);
  for (guint i = 0; i < n_sections; i++)
    {
      HsSectionAddress copy = { g_strdup (sections[i].name), sections[i].address };

      g_array_append_val (load->sections, copy);
    }

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, hs_symbol_file_load_relocated_async);
  g_task_set_task_data (task, load, (GDestroyNotify) load_relocated_free);
  hs_task_run_in_thread (task, load_relocated_thread);
}

HsSymbolFile *
hs_symbol_file_load_relocated_finish (GAsyncResult  *result,
                                      GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result))
                        == hs_symbol_file_load_relocated_async, NULL);

  return hs_task_propagate_pointer (G_TASK (result), error);
}
