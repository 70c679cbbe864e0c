/* The writing peer for `make bench`: the same 1M x 10 cells written by a plain C
 * program through libxlsxwriter in constant-memory mode, as our Swift writer does.
 * Values follow Sources/tonghop-bench/BenchData.swift exactly.
 * Build: cc -O2 write_peer.c -o write_peer $(pkg-config --cflags --libs xlsxwriter) */
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <time.h>
#include <sys/resource.h>
#include <xlsxwriter.h>

static const char *units[8] = {"Thành phố Lai Châu", "Tam Đường", "Phong Thổ", "Sìn Hồ",
                               "Mường Tè", "Nậm Nhùn", "Than Uyên", "Tân Uyên"};
static const char *header[10] = {"STT", "Đơn vị", "Chỉ tiêu", "TH 2023", "KH 2024",
                                 "ƯTH 2024", "6 tháng", "9 tháng", "Cùng kỳ", "Ghi chú số"};

int main(int argc, char **argv) {
    if (argc < 3) { fprintf(stderr, "usage: write_peer ROWS PATH\n"); return 2; }
    long rows = atol(argv[1]);
    static char pool[1000][96];
    for (int i = 0; i < 1000; i++)
        snprintf(pool[i], sizeof pool[i], "Chỉ tiêu %d – %s", i, units[i % 8]);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    lxw_workbook_options opt = {.constant_memory = LXW_TRUE, .tmpdir = NULL, .use_zip64 = LXW_TRUE};
    lxw_workbook *wb = workbook_new_opt(argv[2], &opt);
    lxw_worksheet *ws = workbook_add_worksheet(wb, "Data");
    for (int c = 0; c < 10; c++) worksheet_write_string(ws, 0, c, header[c], NULL);
    for (long r = 1; r <= rows; r++) {
        worksheet_write_number(ws, r, 0, (double)r, NULL);
        worksheet_write_string(ws, r, 1, pool[(r * 7) % 1000], NULL);
        worksheet_write_string(ws, r, 2, pool[(r * 13 + 5) % 1000], NULL);
        for (int c = 3; c < 10; c++) {
            uint64_t v = ((uint64_t)r * 2654435761ULL + (uint64_t)c * 40503ULL) % 10000000ULL;
            worksheet_write_number(ws, r, c, (double)v / 100.0, NULL);
        }
    }
    if (workbook_close(wb) != LXW_NO_ERROR) { fprintf(stderr, "workbook_close failed\n"); return 1; }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    printf("{\"job\":\"write-xlsx-c\",\"seconds\":%.6f,\"cells\":%ld,\"peak_mb\":%.1f}\n",
           (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9, rows * 10 + 10, u.ru_maxrss / 1024.0);
    return 0;
}
