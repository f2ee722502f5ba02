/* gen_persons — writes N synthetic persons as CSV (valid ID numbers, phones,
 * buildings/units/rooms), deterministic for a seed: the data of the registry
 * benchmarks. Usage: gen_persons N [SEED] > persons.csv */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static uint64_t st;
static uint64_t next(void)
{
    uint64_t z = (st += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static const char *const sur[] = {"王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱",
                                  "高", "林", "何", "郭", "马", "罗", "梁", "宋", "郑", "谢", "韩", "唐", "冯", "于"};
static const char *const giv[] = {"伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟",
                                  "涛", "明", "超", "秀", "霞", "平", "刚", "桂", "英", "华", "鹏", "辉", "玲", "建"};

static char check(const char *d17)
{
    static const int w[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    int s = 0;
    for (int i = 0; i < 17; i++)
        s += (d17[i] - '0') * w[i];
    return "10X98765432"[s % 11];
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 1000000;
    st = argc > 2 ? strtoull(argv[2], NULL, 10) : 42;
    printf("姓名,身份证号,手机号,楼栋,单元,房号,类别\n");
    for (long i = 0; i < n; i++) {
        char id[19];
        /* unique by construction: the serial spreads over region, year, day and sequence */
        long k = i;
        int seq = (int)(k % 1000);
        k /= 1000;
        int day = (int)(k % 28) + 1;
        k /= 28;
        int month = (int)(k % 12) + 1;
        k /= 12;
        int year = 1940 + (int)(k % 80);
        k /= 80;
        snprintf(id, sizeof id, "41%04ld%04d%02d%02d%03d", 100 + k % 9000, year, month, day, seq);
        id[17] = check(id);
        id[18] = 0;
        uint64_t r = next();
        printf("%s%s%s,%s,1%02u%08u,%u,%u,%u%02u,%s\n", sur[r % 28], giv[(r >> 8) % 28],
               (r >> 16) % 3 ? giv[(r >> 24) % 28] : "", id, 30 + (unsigned)((r >> 32) % 70),
               (unsigned)((r >> 40) % 100000000u), 1 + (unsigned)(i / 2000 % 200), 1 + (unsigned)((r >> 48) % 4),
               1 + (unsigned)(i / 8 % 30), 1 + (unsigned)(i % 4), (r >> 56) % 5 ? "居民" : "流动人口");
    }
    return 0;
}
