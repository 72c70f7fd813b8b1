/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-fake-memory.h: a guest's kernel memory built by a test, 4 KiB pages made as they are
 * written; a read of anything not written fails, as an unmapped page does. Its read functions
 * are an HsLinuxReader's (the walkers' and log readers' reader) and count what a probe would
 * do: pieces read, and round trips (a plain read, or a whole batch).
 */
#pragma once

#include "hs-linux.h"

G_BEGIN_DECLS

typedef struct
{
  GHashTable *pages;           /* VA >> 12 -> 4 KiB */
  guint reads;                 /* pieces read, one by one or in batches */
  guint round_trips;           /* plain reads, and batches */
  guint64 fail_at;             /* a read touching this address fails (0: none) */
} HsFakeMemory;

HsFakeMemory *hs_fake_memory_new      (void);
void          hs_fake_memory_free     (HsFakeMemory  *m);
/* The page holding @va, made (zeroed) with @create, else NULL when nothing was written there. */
guint8       *hs_fake_memory_page     (HsFakeMemory  *m,
                                       guint64        va,
                                       gboolean       create);
void          hs_fake_memory_write    (HsFakeMemory  *m,
                                       guint64        va,
                                       const void    *data,
                                       gsize          len);
/* @value, little-endian, in @size (at most 8) bytes. */
void          hs_fake_memory_put      (HsFakeMemory  *m,
                                       guint64        va,
                                       guint64        value,
                                       guint          size);
/* HsLinuxReadFunc and HsLinuxReadvFunc over @user_data, an HsFakeMemory. */
gboolean      hs_fake_memory_read     (guint64        va,
                                       void          *buf,
                                       gsize          len,
                                       gpointer       user_data,
                                       GError       **error);
gboolean      hs_fake_memory_readv    (HsLinuxRead   *reads,
                                       guint          n_reads,
                                       gpointer       user_data,
                                       GError       **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HsFakeMemory, hs_fake_memory_free)

G_END_DECLS
