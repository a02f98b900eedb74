/* A module as a user would build it: clang --target=wasm32 (see cli.sh). */
int add(int a, int b)
{
    return a + b;
}

long long mul64(long long a, long long b)
{
    return a * b;
}

double half(double x)
{
    return x / 2;
}

float twice(float x)
{
    return x * 2;
}

unsigned squares(unsigned n)
{
    unsigned s = 0;
    for (unsigned i = 0; i < n; i++) {
        s += i * i;
    }
    return s;
}

int quotient(int a, int b)
{
    return a / b;
}

static char buffer[4096];

int fill(int n)
{
    int sum = 0;
    for (int i = 0; i < n && i < (int)sizeof(buffer); i++) {
        buffer[i] = (char)i;
        sum += buffer[i];
    }
    return sum;
}
