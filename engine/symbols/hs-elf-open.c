/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-elf-open.c: opening an HsSymbolFile's ELF: the checks before anything trusts it (an
 * AArch64 ELF64 whose section headers lie inside the file, with a symbol table), compressed
 * debug sections made plain, the build ID, then the symbol table. Runs on the loading thread
 * before any other thread sees the file.
 */
#define G_LOG_DOMAIN "hs-symbols"

#include "config.h"

#include "hs-symbol-file-private.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A DWARF section decompressed in memory: Linux's .debug_info is ~200 MiB. */
#define MAX_DEBUG_SECTION_BYTES (1024u << 20)

static const char *
machine_name (guint machine)
{
  switch (machine)
    {
    case EM_X86_64:
      return "x86-64";
    case EM_386:
      return "i386";
    case EM_ARM:
      return "32-bit Arm";
    case EM_RISCV:
      return "RISC-V";
    case EM_PPC64:
      return "64-bit PowerPC";
    case EM_S390:
      return "s390";
    case EM_MIPS:
      return "MIPS";
    default:
      return "another architecture";
    }
}

static gboolean
check_sections (HsSymbolFile  *self,
                size_t         shstrndx,
                Elf_Scn      **symtab_scn,
                GError       **error)
{
  Elf_Scn *scn = NULL;
  Elf_Scn *dynsym = NULL;

  *symtab_scn = NULL;
  while ((scn = elf_nextscn (self->elf, scn)) != NULL)
    {
      GElf_Shdr shdr;
      const char *name;

      if (gelf_getshdr (scn, &shdr) == NULL)
        {
          g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_CORRUPT,
                       "%s is corrupt: cannot read section header %zu: %s",
                       self->path, elf_ndxscn (scn), elf_errmsg (-1));
          return FALSE;
        }
      name = elf_strptr (self->elf, shstrndx, shdr.sh_name);
      if (name == NULL)
        name = "(unnamed)";
      if (shdr.sh_type != SHT_NOBITS
          && (shdr.sh_offset > self->file_size || shdr.sh_size > self->file_size - shdr.sh_offset))
        {
          g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_CORRUPT,
                       "%s is truncated or corrupt: section %s (offset 0x%" G_GINT64_MODIFIER
                       "x, size 0x%" G_GINT64_MODIFIER "x) runs past the end of the file "
                       "(%" G_GUINT64_FORMAT " bytes)",
                       self->path, name, (guint64) shdr.sh_offset, (guint64) shdr.sh_size,
                       self->file_size);
          return FALSE;
        }

      /* Compressed DWARF is read as plain bytes: decompressed here, in memory, so that what
       * checks DWARF before libdwarf reads it (the list and line table headers) sees the bytes
       * libdwarf will read. The size it claims is bounded first. */
      if ((shdr.sh_flags & SHF_COMPRESSED) != 0 && g_str_has_prefix (name, ".debug_"))
        {
          GElf_Chdr chdr;

          if (gelf_getchdr (scn, &chdr) == NULL || chdr.ch_size > MAX_DEBUG_SECTION_BYTES
              || elf_compress (scn, 0, 0) < 0 || gelf_getshdr (scn, &shdr) == NULL)
            {
              g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_CORRUPT,
                           "%s is corrupt: its compressed section %s cannot be decompressed "
                           "(or would be larger than %u MiB)", self->path, name,
                           MAX_DEBUG_SECTION_BYTES >> 20);
              return FALSE;
            }
        }

      if (shdr.sh_type == SHT_SYMTAB && *symtab_scn == NULL)
        *symtab_scn = scn;
      else if (shdr.sh_type == SHT_DYNSYM && dynsym == NULL)
        dynsym = scn;
      else if (strcmp (name, ".debug_info") == 0 || strcmp (name, ".zdebug_info") == 0)
        {
          self->has_debug_info = shdr.sh_size > 0;
          self->debug_info_size = shdr.sh_size;
        }
      else if (strcmp (name, ".debug_line") == 0 || strcmp (name, ".zdebug_line") == 0)
        self->has_debug_line = shdr.sh_size > 0;
      else if (strcmp (name, ".debug_frame") == 0 || strcmp (name, ".zdebug_frame") == 0)
        self->has_debug_frame = shdr.sh_size > 0;
      else if (strcmp (name, ".eh_frame") == 0)
        self->has_eh_frame = shdr.sh_size > 0;
      else if (strcmp (name, ".debug_aranges") == 0 || strcmp (name, ".zdebug_aranges") == 0)
        self->has_debug_aranges = shdr.sh_size > 0;
    }

  if (*symtab_scn != NULL)
    self->symtab_section = ".symtab";
  else if (dynsym != NULL)
    {
      *symtab_scn = dynsym;
      self->symtab_section = ".dynsym";
    }
  else
    {
      g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_NO_SYMTAB,
                   "%s has no symbol table (.symtab): it was stripped; load the unstripped "
                   "image (vmlinux, xen-syms) instead", self->path);
      return FALSE;
    }
  return TRUE;
}

/* The file's NT_GNU_BUILD_ID, read while loading (before any other thread sees the file, so
 * without the DWARF lock libelf's lazy reads otherwise need). */
static void
read_build_id (HsSymbolFile *self)
{
  Elf_Scn *scn = NULL;

  while (self->build_id_len == 0 && (scn = elf_nextscn (self->elf, scn)) != NULL)
    {
      GElf_Shdr shdr;
      Elf_Data *notes;
      size_t off = 0, name_off, desc_off;
      GElf_Nhdr nhdr;

      if (gelf_getshdr (scn, &shdr) == NULL || shdr.sh_type != SHT_NOTE
          || (notes = elf_getdata (scn, NULL)) == NULL || notes->d_buf == NULL)
        continue;
      /* gelf_getnote() bounds every note by the section and always moves forward. */
      while (off < notes->d_size
             && (off = gelf_getnote (notes, off, &nhdr, &name_off, &desc_off)) > 0)
        {
          if (nhdr.n_type == NT_GNU_BUILD_ID && nhdr.n_namesz == 4
              && memcmp ((const char *) notes->d_buf + name_off, "GNU", 4) == 0
              && nhdr.n_descsz > 0 && nhdr.n_descsz <= sizeof self->build_id)
            {
              memcpy (self->build_id, (const guint8 *) notes->d_buf + desc_off, nhdr.n_descsz);
              self->build_id_len = nhdr.n_descsz;
              break;
            }
        }
    }
}

gboolean
_hs_symbol_file_open_fd (HsSymbolFile  *self,
                         int            fd,
                         GError       **error)
{
  static gsize elf_initialized;
  unsigned char magic[SELFMAG];
  struct stat st;
  GElf_Ehdr ehdr;
  size_t shstrndx;
  Elf_Scn *symtab_scn;

  if (g_once_init_enter (&elf_initialized))
    {
      elf_version (EV_CURRENT);
      g_once_init_leave (&elf_initialized, 1);
    }

  g_assert (self->fd < 0);
  self->fd = fd;
  if (fstat (self->fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_OPEN,
                   "cannot load %s: not a regular file", self->path);
      return FALSE;
    }
  self->file_size = st.st_size;
  self->file_mtime_ns = (gint64) st.st_mtim.tv_sec * G_GINT64_CONSTANT (1000000000)
                        + st.st_mtim.tv_nsec;

  if (pread (self->fd, magic, SELFMAG, 0) != SELFMAG || memcmp (magic, ELFMAG, SELFMAG) != 0)
    {
      g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_NOT_ELF,
                   "%s is not an ELF file (%" G_GUINT64_FORMAT " bytes, no \\177ELF magic)",
                   self->path, self->file_size);
      return FALSE;
    }

  self->elf = elf_begin (self->fd, ELF_C_READ_MMAP, NULL);
  if (self->elf == NULL || elf_kind (self->elf) != ELF_K_ELF)
    {
      g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_CORRUPT,
                   "%s is truncated or corrupt: %s", self->path,
                   self->elf != NULL ? "libelf does not recognise it" : elf_errmsg (-1));
      return FALSE;
    }
  if (gelf_getehdr (self->elf, &ehdr) == NULL)
    {
      g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_CORRUPT,
                   "%s is truncated or corrupt: cannot read the ELF header: %s",
                   self->path, elf_errmsg (-1));
      return FALSE;
    }

  /* AArch64 only, and that is an error rather than a warning: addresses, call-frame rules and
   * register numbers from another architecture would be silently wrong on this target. */
  if (ehdr.e_machine != EM_AARCH64)
    {
      g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_WRONG_ARCH,
                   "%s is built for %s (ELF machine %u), not AArch64 (arm64): Hyperscope "
                   "debugs arm64 targets", self->path, machine_name (ehdr.e_machine),
                   ehdr.e_machine);
      return FALSE;
    }
  if (ehdr.e_ident[EI_CLASS] != ELFCLASS64 || ehdr.e_ident[EI_DATA] != ELFDATA2LSB)
    {
      g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_WRONG_ARCH,
                   "%s is a %s AArch64 file; only 64-bit little-endian (arm64) is supported",
                   self->path,
                   ehdr.e_ident[EI_CLASS] != ELFCLASS64 ? "32-bit (ILP32)" : "big-endian");
      return FALSE;
    }
  self->elf_type = ehdr.e_type;

  /* libelf reads the section headers lazily; bounds-check them before it does. */
  if (ehdr.e_shoff == 0 || ehdr.e_shoff > self->file_size
      || (guint64) ehdr.e_shnum * ehdr.e_shentsize > self->file_size - ehdr.e_shoff)
    {
      g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_CORRUPT,
                   "%s is truncated or corrupt: its section headers (offset 0x%"
                   G_GINT64_MODIFIER "x, %u entries) are not inside the file (%"
                   G_GUINT64_FORMAT " bytes)",
                   self->path, (guint64) ehdr.e_shoff, ehdr.e_shnum, self->file_size);
      return FALSE;
    }
  if (elf_getshdrstrndx (self->elf, &shstrndx) != 0)
    {
      g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_CORRUPT,
                   "%s is corrupt: no section name table: %s", self->path, elf_errmsg (-1));
      return FALSE;
    }

  if (!check_sections (self, shstrndx, &symtab_scn, error))
    return FALSE;
  read_build_id (self);

  self->symtab = _hs_elf_symtab_new (self->elf, symtab_scn, self->path, error);
  return self->symtab != NULL;
}
