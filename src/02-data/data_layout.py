# [[file:../../primer.org::*Databases: row and column storage][Databases: row and column storage:1]]
"""Row-major vs column-major storage of the same table: a column scan and point reads.

One table of 3,000,000 rows and 8 float64 columns (64 bytes a row) is held in
memory twice with identical values: row-major (C order: each row's 8 fields are
adjacent, as in the pages of a transactional database) and column-major
(Fortran order: each column is one contiguous run, as in Parquet or a column-store
warehouse).  Timings are wall-clock on the machine that runs the script, best of
several repeats; only their ratios carry over to other machines.
"""
import time

import numpy as np

n_rows, n_cols = 3_000_000, 8
rng = np.random.default_rng(0)
row_major = rng.random((n_rows, n_cols))             # C order
col_major = np.asfortranarray(row_major)             # same values, Fortran order
assert np.array_equal(row_major, col_major)
print(f"table_mb = {row_major.nbytes / 1e6:.0f}")


def best_of(fn, repeats=9):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


# Analytical query (OLAP): aggregate one column over every row.
price = 3
t_row, total_row = best_of(lambda: row_major[:, price].sum())
t_col, total_col = best_of(lambda: col_major[:, price].sum())
assert np.isclose(total_row, total_col)
print(f"scan_row_major_ms = {t_row * 1e3:.1f}")
print(f"scan_col_major_ms = {t_col * 1e3:.1f}")
print(f"scan_ratio = {t_row / t_col:.1f}")
# Memory moves in 64-byte cache lines: a row-major scan pulls every whole row in.
print(f"scan_bytes_row_major_mb = {n_rows * max(64, 8 * n_cols) / 1e6:.0f}")
print(f"scan_bytes_col_major_mb = {n_rows * 8 / 1e6:.0f}")

# Transactional reads (OLTP): fetch 200,000 whole rows by random row id.  Row-major,
# each row is one contiguous 64-byte copy; column-major, a row is assembled from one
# read in each of the eight column arrays, as a column store must.
ids = rng.integers(0, n_rows, 200_000)


def gather_columns(table):
    return np.column_stack([np.take(table[:, j], ids) for j in range(n_cols)])


t_row, got_row = best_of(lambda: np.take(row_major, ids, axis=0))
t_col, got_col = best_of(lambda: gather_columns(col_major))
# The same call as for row-major, np.take along axis 0 of the Fortran array, takes a
# slower general path inside numpy: that part of its time is the library, not memory.
t_take, got_take = best_of(lambda: np.take(col_major, ids, axis=0))
assert np.array_equal(got_row, got_col) and np.array_equal(got_row, got_take)
print(f"point_read_row_major_ms = {t_row * 1e3:.1f}")
print(f"point_read_col_major_ms = {t_col * 1e3:.1f}")
print(f"point_read_ratio = {t_col / t_row:.1f}")
print(f"point_read_col_major_take_ms = {t_take * 1e3:.1f}")
print(f"point_read_take_ratio = {t_take / t_row:.1f}")
# Databases: row and column storage:1 ends here
