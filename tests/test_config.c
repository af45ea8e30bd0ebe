#include "core/rm.h"
#include "crawler/config.h"
#include "tests/helpers/testutil.h"

static char *diag_text(const rm_diag *d)
{
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    rm_diag_print(d, f);
    fclose(f);
    return out;
}

static rm_err load(const char *name, rm_diag *d, rm_config **cfg)
{
    char path[FIXTURE_PATH_MAX];
    snprintf(path, sizeof(path), "%s/tests/fixtures/config/%s", rm_test_root(), name);
    return rm_config_load(path, d, cfg);
}

static void config_loads_jobs_with_defaults(void **state)
{
    rm_config *cfg;
    rm_diag d;
    const rm_job *shop, *social;
    (void)state;
    rm_diag_init(&d);
    assert_int_equal(load("good.yaml", &d, &cfg), RM_OK);
    assert_int_equal(d.n, 0);
    assert_int_equal(cfg->n_jobs, 2);
    shop = rm_config_job(cfg, "shop");
    social = rm_config_job(cfg, "social");
    assert_non_null(shop);
    assert_non_null(social);
    assert_int_equal(shop->seeds.n, 2);
    assert_string_equal(shop->seeds.v[1], "https://shop.example/catalog?page=1");
    assert_int_equal(shop->per_host, 3);          /* from defaults */
    assert_int_equal(shop->delay_ms, 1500);
    assert_int_equal(shop->concurrency, 8);
    assert_int_equal(shop->max_pages, 500);
    assert_int_equal(shop->max_body, 2 * 1024 * 1024);
    assert_string_equal(shop->schedule_cron, "@daily");
    assert_string_equal(shop->timezone, "Europe/Moscow");
    assert_int_equal(shop->jitter_ms, 600000);
    assert_true(shop->obey_robots);               /* table default */
    assert_int_equal(shop->rules.n, 1);
    assert_non_null(strstr(shop->rules.v[0], "tests/fixtures/config/sites/shop.yaml"));
    assert_int_equal(social->seeds.n, 1);         /* a scalar is a one-item list */
    assert_int_equal(social->retries, 0);
    assert_int_equal(social->per_host, 3);
    assert_string_equal(social->timezone, "UTC");
    rm_config_free(cfg);
    rm_diag_release(&d);
}

static void config_follow_and_priorities(void **state)
{
    rm_config *cfg;
    rm_diag d;
    const rm_job *shop;
    const char *u1 = "https://shop.example/p/17", *u2 = "https://shop.example/p/17?sort=x";
    const char *u3 = "https://shop.example/about";
    (void)state;
    rm_diag_init(&d);
    assert_int_equal(load("good.yaml", &d, &cfg), RM_OK);
    shop = rm_config_job(cfg, "shop");
    assert_true(rm_job_follows(shop, u1, strlen(u1)));
    assert_false(rm_job_follows(shop, u2, strlen(u2)));
    assert_false(rm_job_follows(shop, u3, strlen(u3)));
    assert_int_equal(rm_job_priority(shop, u1, strlen(u1), 0), 20);
    assert_int_equal(rm_job_priority(shop, u3, strlen(u3), 7), 7);
    /* social has no follow rules: everything in scope is followed */
    assert_true(rm_job_follows(rm_config_job(cfg, "social"), u3, strlen(u3)));
    rm_config_free(cfg);
    rm_diag_release(&d);
}

static void config_errors_name_file_line_field(void **state)
{
    rm_config *cfg = (void *)1;
    rm_diag d;
    char *text;
    (void)state;
    rm_diag_init(&d);
    assert_int_equal(load("bad_fields.yaml", &d, &cfg), RM_ECONFIG);
    assert_null(cfg);
    text = diag_text(&d);
    assert_non_null(strstr(text, "bad_fields.yaml:6: politeness.delay: expected a duration"));
    assert_non_null(strstr(text, "bad_fields.yaml:7: politeness.concurency: unknown field "
                                 "(did you mean politeness.concurrency?)"));
    assert_non_null(strstr(text, "bad_fields.yaml:9: limits.max_pages: \"-3\""));
    assert_non_null(strstr(text, "bad_fields.yaml:11: follow.allow: bad pattern"));
    assert_non_null(strstr(text, "bad_fields.yaml:12: obey_robots: unknown field (did you mean "
                                 "politeness.obey_robots?)"));
    assert_non_null(strstr(text, "name: job \"shop\" is defined twice (first at line 3)"));
    assert_non_null(strstr(text, "\"ftp://shop.example/\" is not an http or https URL"));
    assert_non_null(strstr(text, "bad_fields.yaml:16: schedule.cron: hour"));
    assert_non_null(strstr(text, "bad_fields.yaml:17: schedule.timezone: unknown time zone"));
    free(text);
    rm_diag_release(&d);
}

static void config_yaml_syntax_error_has_line(void **state)
{
    rm_config *cfg;
    rm_diag d;
    char *text;
    (void)state;
    rm_diag_init(&d);
    assert_int_equal(load("bad_yaml.yaml", &d, &cfg), RM_ECONFIG);
    text = diag_text(&d);
    assert_non_null(strstr(text, "bad_yaml.yaml:5: YAML:"));
    free(text);
    rm_diag_release(&d);
}

static void config_expands_environment(void **state)
{
    rm_config *cfg;
    rm_diag d;
    char *text;
    (void)state;
    rm_diag_init(&d);
    setenv("RM_TEST_SEED_URL", "http://127.0.0.1:9", 1);
    unsetenv("RM_TEST_UNSET_VAR");
    assert_int_equal(load("env.yaml", &d, &cfg), RM_OK);
    assert_string_equal(cfg->jobs[0].seeds.v[0], "http://127.0.0.1:9/start");
    assert_string_equal(cfg->jobs[0].seeds.v[1], "http://fallback.example/x");
    assert_string_equal(cfg->jobs[0].seeds.v[2], "http://price.example/$5");
    rm_config_free(cfg);
    assert_int_equal(load("env_missing.yaml", &d, &cfg), RM_ECONFIG);
    text = diag_text(&d);
    assert_non_null(strstr(text, "env_missing.yaml:5: seeds: environment variable "
                                 "RM_TEST_DEFINITELY_UNSET is not set"));
    free(text);
    rm_diag_release(&d);
}

static void config_rejects_non_mapping_and_empty(void **state)
{
    rm_config *cfg;
    rm_diag d;
    (void)state;
    rm_diag_init(&d);
    assert_int_equal(rm_config_parse("x.yaml", "- a\n- b\n", 8, &d, &cfg), RM_ECONFIG);
    assert_int_equal(rm_config_parse("x.yaml", "jobs: []\n", 9, &d, &cfg), RM_ECONFIG);
    assert_int_equal(rm_config_parse("x.yaml", "jobs:\n  - seeds: [http://a/]\n", 28, &d, &cfg),
                     RM_ECONFIG); /* no name */
    assert_int_equal(rm_config_parse("x.yaml", "", 0, &d, &cfg), RM_ECONFIG);
    assert_true(d.n >= 4);
    rm_diag_release(&d);
}

static void config_demo_is_valid(void **state)
{
    rm_config *cfg;
    rm_diag d;
    char path[FIXTURE_PATH_MAX];
    (void)state;
    rm_diag_init(&d);
    snprintf(path, sizeof(path), "%s/configs/demo.yaml", rm_test_root());
    if (rm_config_load(path, &d, &cfg) != RM_OK)
        rm_diag_print(&d, stderr);
    assert_int_equal(d.n, 0);
    assert_true(cfg->jobs[0].allow_private);
    rm_config_free(cfg);
    rm_diag_release(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(config_loads_jobs_with_defaults),
        cmocka_unit_test(config_follow_and_priorities),
        cmocka_unit_test(config_errors_name_file_line_field),
        cmocka_unit_test(config_yaml_syntax_error_has_line),
        cmocka_unit_test(config_expands_environment),
        cmocka_unit_test(config_rejects_non_mapping_and_empty),
        cmocka_unit_test(config_demo_is_valid),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
