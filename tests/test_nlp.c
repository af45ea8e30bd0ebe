/* Sentiment rules, aspects and evidence through the public rm_nlp API. */
#include "core/rm.h"
#include "core/arena.h"
#include "nlp/nlp.h"
#include "tests/helpers/testutil.h"

#include <math.h>
#include <pthread.h>

static rm_nlp *nlp;
static rm_arena *arena;

static int setup(void **state)
{
    rm_diag d;
    (void)state;
    rm_diag_init(&d);
    if (rm_nlp_new(NULL, &d, &nlp) != RM_OK) {
        rm_diag_print(&d, stderr);
        return -1;
    }
    /* The built-in files must load without a single complaint. */
    if (d.n) {
        rm_diag_print(&d, stderr);
        return -1;
    }
    rm_diag_release(&d);
    arena = rm_arena_new(64 * 1024);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    rm_nlp_free(nlp);
    rm_arena_free(arena);
    return 0;
}

static rm_sentiment run(const char *text)
{
    rm_sentiment s;
    assert_int_equal(rm_nlp_score(nlp, text, strlen(text), RM_LANG_AUTO, arena, &s), RM_OK);
    return s;
}

static double sc(const char *text)
{
    return run(text).score;
}

static const rm_evidence *evidence_for(const rm_sentiment *s, const char *term)
{
    for (size_t i = 0; i < s->n_evidence; i++)
        if (!strcmp(s->evidence[i].term, term))
            return &s->evidence[i];
    return NULL;
}

static void nlp_polar_words_and_neutral_text(void **state)
{
    (void)state;
    assert_true(sc("This phone is great") > 0.4);
    assert_true(sc("This phone is terrible") < -0.4);
    assert_true(sc("Телефон отличный") > 0.4);
    assert_true(sc("Телефон ужасный") < -0.4);
    assert_true(sc("The box contains a cable and a charger.") == 0.0);
    assert_true(sc("Коробка, кабель и зарядка.") == 0.0);
    /* "to be honest", "если честно" mark candour, not praise */
    assert_true(sc("not great, to be honest") < 0);
    assert_true(sc("не очень, если честно") < 0);
    assert_true(sc("честный продавец") > 0);
    assert_int_equal(run("").label, RM_LABEL_NEU);
}

static void nlp_label_thresholds(void **state)
{
    rm_sentiment s;
    (void)state;
    /* Labels follow the documented cut-offs exactly: pos >= 0.05, neg <= -0.05. */
    s = run("nice");
    assert_true(s.score >= 0.05);
    assert_int_equal(s.label, RM_LABEL_POS);
    s = run("It arrived on Tuesday.");
    assert_true(s.score > -0.05 && s.score < 0.05);
    assert_int_equal(s.label, RM_LABEL_NEU);
    s = run("bad");
    assert_int_equal(s.label, RM_LABEL_NEG);
    assert_string_equal(rm_label_str(RM_LABEL_POS), "pos");
    assert_string_equal(rm_label_str(RM_LABEL_NEU), "neu");
    assert_string_equal(rm_label_str(RM_LABEL_NEG), "neg");
}

static void nlp_negation_flips_within_scope(void **state)
{
    (void)state;
    assert_true(sc("not good") < 0);
    assert_true(sc("It is not good at all") < 0);
    assert_true(sc("not bad") > 0);
    assert_true(sc("not bad") < sc("good"));
    assert_true(sc("I don't think it's bad") > 0);
    assert_true(sc("never disappoints") > 0);
    /* "non-" denies the word it is joined to */
    assert_true(sc("a non-genuine cartridge") < 0);
    assert_true(sc("non-toxic paint") > 0);
    assert_true(sc("a non-profit group") == 0.0);
    assert_true(sc("не хороший") < 0);
    assert_true(sc("не плохой") > 0);
    assert_true(sc("без проблем") > 0);
    /* what is done "instead of" something: that did not happen */
    assert_true(sc("It adapts when you miss a day instead of guilting you.") > 0);
    assert_true(sc("Instead of helping, the clerk just shrugged.") < 0);
    /* Russian negative concord: "ни разу не пожалела" negates once */
    assert_true(sc("ни разу не пожалела") > 0);
    assert_true(sc("никаких проблем не было") > 0);
    /* scope ends at the clause: "bad" after the comma stays bad */
    /* ...and at "and" before a subject of its own */
    assert_true(sc("five songs I'd never heard and I liked every one") > 0);
    /* ...and after an answer before a subject: the answer replies, the clause stands */
    assert_true(sc("nah that's a flop") < 0 && sc("no I love it") > 0.4);
    assert_true(sc("нет он хороший") > 0.4 && sc("No it is not good") < 0);
    assert_true(sc("not good, bad") < sc("not good"));
    /* negators and intensifiers of more than one word */
    assert_true(sc("Far from perfect") < 0 && sc("Anything but comfortable") < 0);
    assert_true(sc("Nothing short of amazing") > sc("amazing"));
    assert_true(sc("Leaves a lot to be desired") < 0);
    assert_true(sc("Hard to find anything wrong with it") > 0);
    assert_true(sc("Придраться не к чему") > 0 && sc("Жаловаться не на что") > 0);
    assert_true(sc("Пожалела, что купила") < 0 && sc("не пожалеете") > 0);
    assert_true(sc("Могло быть и хуже") > 0);
    assert_true(sc("shipped without warning") < 0 && sc("I've had better") < 0);
    /* "like it" before a verb compares; it does not praise */
    assert_true(sc("The soup tasted like it came out of a can") <= 0 && sc("I like it") > 0);
    /* "it's not like ..." denies the clause after it; it does not dislike */
    assert_true(sc("it's not like it's bad") > 0 && sc("not like I care") < 0);
    assert_true(sc("It's not like I'm jealous.") > 0 && sc("I do not like it") < 0);
    assert_true(sc("The story drags but the ending makes up for it") > 0);
    assert_true(sc("за такую цену ничего лучше нет") > 0 && sc("кэшбэк вернули как и обещали") > 0);
    assert_true(sc("ВТБ не дает закрыть вклад через приложение") < 0);
    assert_true(sc("Totally worth the hype") > 0 && sc("like walking on clouds") > 0);
    assert_true(sc("your network has been down all day") < 0);
    assert_true(sc("The box includes a cable but no power adapter") == 0.0);
    assert_true(sc("интернета нет вторые сутки") < 0 && sc("без толку") < 0);
    assert_true(sc("Носки протёрлись на пятке") < 0 && sc("пришла раньше срока") > 0);
    /* negation carries over "or", and across a verb of opinion into the clause it governs */
    assert_true(sc("The waiter wasn't helpful or friendly") < sc("The waiter wasn't helpful"));
    assert_true(sc("no warmth or charm") < 0 && sc("Didn't laugh or even smile once") < 0);
    assert_true(sc("I don't think you will be disappointed") > 0);
    assert_true(sc("I really don't see how anyone could enjoy this movie") < 0);
    assert_true(sc("I think you will be disappointed") < 0);
    /* ...and over "and" to a word of the same sign: a list of things missing */
    assert_true(sc("no scratches and dents") > 0 && sc("без царапин и сколов") > 0.3);
    assert_true(sc("didn't work and broke") < 0 && sc("not too sweet and nailed it") > 0);
    assert_true(sc("isn't loud and sounds great") > 0);
    /* ...but not to an adverb or a phrase: "без" and "without" take nouns only */
    assert_true(sc("без комиссии и мгновенно") > 0 && sc("without fees and quickly") > 0);
    assert_true(sc("checked on us without hovering and recommended a wine") > 0.3);
    assert_true(sc("without bugs and crashes") > 0);
    assert_true(sc("Отключила подписки за 2 минуты, без звонков и нервов") > -0.1);
    assert_true(sc("Два часа без фанеры и на одном дыхании") > 0);
    /* praise in the past tells of a decline */
    assert_true(sc("it used to be good") < 0 && sc("раньше было лучше") < 0);
    assert_true(sc("раньше было хуже") > 0 && sc("пришла раньше срока") > 0);
    /* "at best" caps a verdict */
    assert_true(sc("mediocre at best") < sc("mediocre"));
    /* a damning intensifier before a faint word damns on its own */
    assert_true(sc("Terrible fit.") < 0 && sc("terribly good") > 0 && sc("pretty cheap") < 0);
    /* scope is three words: the negator is too far from "good" */
    assert_true(sc("no one in the shop was good") > 0);
    /* a surprise denies nothing: "never thought I'd be excited" is excited */
    assert_true(sc("I never thought I'd be excited about a diaper pail") > 0);
    assert_true(sc("I never thought I'd be this disappointed") < 0);
    /* "had" joins a negator to a comparative as "be" does */
    assert_true(sc("Never had an easier return.") > 0 && sc("I haven't had a better burger") > 0);
    /* "almost" keeps the sense: "чуть не умер" nearly died */
    assert_true(sc("чуть не умер") < 0 && sc("не умер") > 0);
    /* "so much for" denies what it reaches, and complains alone */
    assert_true(sc("so much for being on time") < 0 && sc("So much for that plan.") < 0);
    assert_true(sc("Thank you so much for the help") > 0);
    /* "вот и вся", "вот и весь" deny the praise after them and say nothing alone */
    assert_true(sc("Вот и вся дружба.") < 0 && sc("Вот и весь рецепт") == 0.0);
    /* "не так уж", "не такая уж и" deny the word after them, mildly: not "не так" alone */
    assert_true(sc("Не так уж все плохо, как пишут") > 0);
    assert_true(sc("Не такая уж и страшная оказалась эта сессия") > 0);
    /* a counterfactual denies what it reaches; "should have been" keeps its sense */
    assert_true(sc("It could have been a great book.") < 0);
    assert_true(sc("Without the case it would have been a disaster.") > 0);
    assert_true(sc("He should have been fired.") < 0);
}

/* Words of absence or loss ("no longer", "lacks", "failed to", "перестал") negate the polar
 * word they reach and are a complaint on their own; a negator before them cancels them. */
static void nlp_privative_words(void **state)
{
    rm_sentiment s;
    (void)state;
    assert_true(sc("it is no longer good") < 0);
    assert_true(sc("the app no longer crashes") > 0);
    assert_true(sc("it no longer works") < 0);
    assert_true(sc("no longer available") < 0);
    assert_true(sc("it lacks quality") < 0);
    assert_true(sc("lack of support from the seller") < 0);
    assert_true(sc("it lacks nothing") >= 0);
    /* "невозможно" (impossible) is a complaint alone and denies what it reaches */
    assert_true(sc("капсулы огромные, проглотить невозможно") < 0);
    assert_true(sc("невозможно сломать") > 0);
    assert_true(sc("невозможно оторваться") > 0);
    /* "никакой" closing its clause after a plain word: the thing is worth nothing */
    assert_true(sc("Микрофон никакой.") < 0);
    assert_true(sc("связь дома стала никакая, дозвониться нельзя") < 0);
    assert_true(sc("никаких проблем") > 0);
    assert_true(sc("до понедельника никак") == 0.0);
    /* "перестать" also reaches back to the verb written before it */
    assert_true(sc("спина болеть перестала") > 0);
    assert_true(sc("перестал работать") < 0);
    assert_true(sc("it failed to impress") < 0);
    assert_true(sc("the seller failed to respond") < 0);
    assert_true(sc("it never fails to impress") > 0);
    assert_true(sc("it failed to disappoint") > 0);
    assert_true(sc("failed miserably") < 0);
    /* remedies are privatives with a positive valence: a solved problem is praise */
    assert_true(sc("it fixed the problem") > 0 && sc("resolved the issue quickly") > 0);
    assert_true(sc("The chair fixed my back pain") > 0 && sc("cured my headache") > 0);
    assert_true(sc("they didn't fix the problem") < 0 && sc("they fixed it in a day") > 0);
    /* a remedy ends complaints, not the praise it reaches */
    assert_true(sc("relieved and grateful") > sc("grateful") - 0.1);
    assert_true(sc("Пылесос убирает отлично") > 0.4);
    /* ...and ends a faint complaint too */
    assert_true(sc("убирает запах") > 0 && sc("Бальзам лечит трещины за ночь") > 0);
    assert_true(sc("трещины зажили за неделю") > 0);
    /* a remedy phrase ends the complaint it reaches */
    assert_true(sc("Google Maps saved me from getting totally lost today") > 0);
    /* "пропала" is a word of loss: it ends a complaint, and is one of its own before a thing */
    assert_true(sc("пропала боль") > 0 && sc("пропали все проблемы") > 0);
    assert_true(sc("пропали деньги") < 0 && sc("связь пропала") < 0);
    /* a remedy denied is a complaint, not a refusal ("No.") on top of it */
    assert_true(sc("Not fixed.") > -0.3 && sc("Not fixed.") < 0);
    /* ...and a plea for a fix is a complaint */
    assert_true(sc("After the latest update it crashes. Please fix!!") < 0);
    /* phrases of refusal and neglect ("couldn't be bothered") */
    assert_true(sc("couldn't be bothered to reply") < 0);
    /* "forgot" loses what it names: a forgotten birthday is no praise */
    assert_true(sc("dad forgot my birthday. again.") < 0);
    assert_true(sc("I forgot how good this song is") > 0.4);
    /* a weak word does not absorb the privative: the refusal is the complaint */
    assert_true(sc("they refused to exchange it") < sc("exchange it"));
    assert_true(sc("it lacks quality") < -0.1);
    assert_true(sc("перестал работать через неделю") < 0);
    assert_true(sc("наушники перестали заряжаться") < 0);
    assert_true(sc("голова перестала болеть") > 0);
    assert_true(sc("не перестаёт радовать") > 0);
    assert_true(sc("больше не работает") < 0);
    assert_true(sc("my scalp stopped flaking") > 0 && sc("it stopped working") < 0);
    /* quantities that deny: before a complaint they praise, alone they complain */
    assert_true(sc("very little lag") > 0 && sc("it does very little") < 0);
    assert_true(sc("it rarely works") < 0 && sc("nowhere near as good") < 0);
    /* privatives after their word reach back to it: a complaint that is gone is praise */
    s = run("Shutter lag is practically nonexistent");
    assert_true(s.score > 0);
    assert_non_null(evidence_for(&s, "lag nonexistent"));
    assert_true(sc("Customer service is nonexistent") < 0);
    assert_true(sc("the pain is gone") > 0 && sc("the magic is gone") < 0);
    assert_true(sc("The drought is finally over") > 0 && sc("The honeymoon is over") < 0);
    assert_true(sc("Cervical cancer could be eliminated within a generation") > 0);
    assert_true(sc("We got eliminated in the first round") < 0);
    assert_true(sc("The game is over") == 0.0);
    assert_true(sc("the pain is not gone") < 0 && sc("my parcel disappeared") < 0);
    assert_true(sc("Shutter lag is minimal") > 0 && sc("minimal lag") > 0 && sc("minimal fun") < 0);
    assert_true(sc("боль прошла") > 0 && sc("платёж прошёл") == 0.0 && sc("звук пропал") < 0);
    /* after "и"/"and" it is a second predicate: she was rude and left */
    assert_true(sc("сотрудница нахамила и ушла на обед") < 0);
    assert_true(sc("the waiter was rude and gone in a minute") < 0);
    /* a faint word between is passed; after a subject pronoun it has a subject of its own */
    assert_true(sc("the pain is finally gone") > 0 && sc("the noise finally went away") > 0);
    assert_true(sc("it's so slow I've gone back to my old kettle") < 0);
    /* "stopped" denies what follows it, else what it follows */
    assert_true(sc("the vomiting stopped within a week") > 0 && sc("it stopped working") < 0);
    assert_true(sc("my nails are stronger and have stopped peeling") > 0.3);
}

/* "no"/"нет" right before a word of no valence and no role names a missing thing: a complaint.
 * Before a polar word it negates; before a function word it is no absence; the absences that
 * are welcome are phrases of their own. */
static void nlp_absence(void **state)
{
    rm_sentiment s;
    (void)state;
    s = run("Came with no instructions");
    assert_true(s.score < 0);
    assert_non_null(evidence_for(&s, "no instructions"));
    assert_true(sc("No plot whatsoever") < 0 && sc("no one came") < 0);
    assert_true(sc("нет инструкции") < 0);
    assert_true(sc("ни звонка, ни смс") < 0 && sc("ни разу не пожалела") > 0);
    s = run("hardly any meat here");
    assert_true(s.score < 0);
    assert_non_null(evidence_for(&s, "hardly any meat"));
    assert_int_equal(s.evidence[0].end, strlen("hardly any meat"));
    assert_true(sc("3 hours on the tarmac and not one update from the crew") < 0);
    assert_true(sc("not a single complaint in 3 years") > 0);
    /* a polar word after it is negated instead */
    assert_true(sc("no problems at all") > 0 && sc("no real instructions") < 0);
    assert_true(sc("нет проблем") > 0);
    /* a function word after it: a reply, not a missing thing */
    assert_true(sc("no I did it myself") == 0.0);
    assert_true(sc("у меня нет у них счёта") == 0.0);
    /* welcome absences and idioms are phrases */
    assert_true(sc("no extra charge") > 0 && sc("no-brainer") > 0 && sc("нет очереди") > 0);
    assert_true(sc("no matter what") == 0.0);
    /* the absence is weighed with the rest of the review */
    assert_true(sc("a great price, no manual") > 0);
    assert_true(sc("a great price, no manual") < sc("a great price"));
}

/* "actually" before a plain verb: the thing does what it should; negated, it does not. */
static void nlp_actually(void **state)
{
    rm_sentiment s;
    (void)state;
    s = run("The instructions actually made sense.");
    assert_true(s.score > 0);
    assert_non_null(evidence_for(&s, "actually made"));
    assert_true(sc("bags that actually tear along the line") > 0);
    assert_true(sc("it doesn't actually cut anything") < 0);
    assert_true(sc("кэшбек реально приходит") > 0);
    /* not before a function word, and not when a polar word is in reach: it judges */
    assert_true(sc("it is actually a bag") == 0.0);
    assert_true(sc("it actually arrived broken") < 0);
    s = run("it actually arrived broken");
    assert_null(evidence_for(&s, "actually arrived"));
    /* "реальная скорость" is not "реально" */
    assert_true(sc("какая реальная скорость вечером") == 0.0);
}

/* A rise or fall of an amount is good or bad by the amount. */
static void nlp_change_of_amount(void **state)
{
    rm_sentiment s;
    (void)state;
    s = run("They raised their prices again");
    assert_true(s.score < 0);
    assert_non_null(evidence_for(&s, "raised prices"));
    assert_true(sc("prices dropped") > 0 && sc("unemployment fell") > 0);
    assert_true(sc("the company cut 300 jobs") < 0 && sc("profits rose") > 0);
    assert_true(sc("Сбербанк с 1 февраля повышает плату за обслуживание карт") < 0);
    assert_true(sc("банк поднял ставки по рублевым вкладам") > 0);
    assert_true(sc("банк снизил ставки по кредитам") > 0);
    assert_true(sc("Прибыль ВТБ24 по МСФО выросла в 1,5 раза") > 0);
    assert_true(sc("Райффайзенбанк сократит 10% персонала") < 0);
    assert_true(sc("Сбербанк закроет около тысячи отделений по всей стране") < 0);
    assert_true(sc("Чистая прибыль банка снизилась на 40%") < 0);
    /* a comparison is a change too: "ниже", "выше", "higher" */
    assert_true(sc("Цена в два раза ниже, чем в магазине") > 0);
    assert_true(sc("цены выше, чем у конкурентов") < 0 && sc("prices are higher") < 0);
    assert_true(sc("Подробности ниже") == 0.0);
    assert_true(sc("My back pain is way down.") > 0 && sc("the pain got worse") < 0);
    assert_true(sc("reduces stress") > 0 && sc("the redness went down overnight") > 0);
    /* an overpayment is an amount one wants less of */
    assert_true(sc("после рефинансирования переплата уменьшилась почти вдвое") > 0);
    /* phrasal changes, and quantity words between the change and its amount */
    assert_true(sc("the price went up again") < 0 && sc("quality has gone down") < 0);
    assert_true(sc("Россельхозбанк закроет часть региональных филиалов") < 0);
    /* news verbs and amounts: "down", "halved", bills, waiting lists, infections */
    assert_true(sc("Crime in the city centre is down 20 percent") > 0);
    assert_true(sc("Youth unemployment has halved") > 0 && sc("infections fell sharply") > 0);
    assert_true(sc("our electric bill went down") > 0 && sc("waiting lists have shrunk") > 0);
    assert_true(sc("the site is down again") < 0 && sc("my lower back hurts") < 0);
    /* function words take no room between an amount and its change */
    assert_true(sc("Прибыль ВТБ по МСФО за 2013 год выросла на 11%") > 0);
    /* an amount right before the change is its subject, whatever amount follows */
    s = run("Child poverty drops sharply following expanded tax credit");
    assert_true(s.score > 0);
    assert_non_null(evidence_for(&s, "poverty drops"));
    assert_true(sc("Цены выросли после отмены налога") < 0);
    assert_true(sc("Maternal mortality drops in states that expanded coverage") > 0);
    /* the complaints that name the kind of a bad amount go with it */
    assert_true(sc("Deaths from heart disease have dropped by more than half") > 0);
    assert_true(sc("Heart disease deaths fell") > 0);
    assert_true(sc("Smoking rates among teens hit a record low.") > 0);
    /* an amount one change took is not another's: no "prices down" here */
    s = run("Netflix is raising prices AND cracking down on password sharing");
    assert_null(evidence_for(&s, "prices down"));
    /* negated, it turns */
    assert_true(sc("revenues did not increase") < 0);
    /* a noun that is no amount stands between: nothing changes the staff */
    assert_true(sc("повышает удовлетворенность персонала") == 0.0);
    /* without an amount the verb keeps its own sense */
    assert_true(sc("the screen cracked when I dropped it") < 0);
    s = run("the screen cracked when I dropped it");
    assert_non_null(evidence_for(&s, "dropped"));
}

/* An occasion after "for" or "as" is what a thing was bought for, not an experience. */
static void nlp_occasion_of_purchase(void **state)
{
    rm_sentiment s;
    (void)state;
    assert_true(sc("Bought as a wedding gift, haven't opened it yet.") == 0.0);
    assert_true(sc("Ordered it for my husband's birthday.") == 0.0);
    /* the occasion itself still colours a post about it */
    assert_true(sc("My wedding was last weekend") > 0);
    /* a polar word between them stops the purpose */
    assert_true(sc("for a truly awful birthday") < 0);
    s = run("for a truly awful birthday");
    assert_non_null(evidence_for(&s, "birthday"));
}

/* A question that asks for information judges less than one that complains. */
static void nlp_questions(void **state)
{
    (void)state;
    /* halved: "why is it so loud?" still complains */
    assert_true(sc("why is it so loud?") < 0 && sc("why is it so loud?") > sc("it is so loud"));
    /* an inquiry weighs a tenth: mild words in it stay neutral */
    assert_true(fabs(sc("Does this printer support AirPrint?")) < 0.05);
    assert_true(fabs(sc("Anyone know if this fits a Les Paul style body?")) < 0.05);
    assert_true(fabs(sc("подскажите, победа разрешает провозить самокат?")) < 0.05);
    assert_true(fabs(sc("самокат или купер, кто быстрее возит?")) < 0.05);
    assert_true(sc("Is the support good?") < sc("The support is good."));
    /* an auxiliary inside the sentence does not make it an inquiry */
    assert_true(sc("Why would anyone design a printer this bad?") <
                0.5 * sc("Does anyone design a printer this bad?"));
    /* "how do I", "when does" open a request; "how do you" may be rhetorical */
    assert_true(fabs(sc("When does the next fare sale start?")) < 0.05);
    assert_true(fabs(sc("How do I get the free upgrade?")) <
                0.5 * fabs(sc("How do you get the free upgrade?")));
    assert_true(fabs(sc("Как подключить бесплатный мобильный банк?")) < 0.05);
    /* with "!" it exclaims */
    assert_true(sc("Is this the best blender ever?!") > 0.3);
}

/* A size word before "enough" is sufficiency, praise; negated, a lack ("not big enough"). */
static void nlp_sufficiency(void **state)
{
    rm_sentiment s;
    (void)state;
    s = run("The cord is long enough to reach my bed");
    assert_true(s.score > 0);
    assert_non_null(evidence_for(&s, "long enough"));
    assert_true(sc("not big enough") < 0 && sc("barely loud enough") < 0);
    assert_true(sc("not good enough") < 0 && sc("good enough") > 0);
    assert_true(sc("big enough, not too big") > sc("big enough"));
}

/* Coming back is the verdict of a visit: with intent it praises, denied it damns as strongly,
 * and told as a story it says nothing. */
static void nlp_revisit(void **state)
{
    rm_sentiment s;
    (void)state;
    assert_true(sc("Will be back again!") > 0.3 && sc("We'd definitely go back here again.") > 0.3);
    assert_true(sc("I would stay here again") > 0 && sc("can't wait to go back") > 0);
    s = run("Won't go back.");
    assert_true(s.score < -0.3);
    assert_non_null(evidence_for(&s, "not go back"));
    assert_true(fabs(sc("I won't be back.") + sc("I will be back.")) < 1e-9);
    assert_true(sc("Never going back") < 0 && sc("I will never shop here again") < 0);
    /* the denial reaches across "think", "if" and "doubt" */
    assert_true(sc("I don't think we'll be going back anytime soon") < 0);
    assert_true(sc("Not sure if we will go back") < 0 && sc("I doubt I'll be back") < 0);
    /* a story, or a plan with no intent word, judges nothing */
    assert_true(sc("We went back to the hotel") == 0.0 && sc("go back to page one") == 0.0);
    assert_true(sc("обязательно вернусь") > 0 && sc("больше сюда не приду") < 0);
    assert_true(sc("вернусь домой вечером") == 0.0);
    assert_true(sc("Will not be returning.") < 0 && sc("we will definitely be returning") > 0);
    assert_true(sc("I'll be returning it tomorrow") < 0);
}

/* Negations that praise or blame: "never" with "so/such/this", and a negator, "be", then a
 * comparative. Plain negations of the same words still flip. */
static void nlp_negation_that_intensifies(void **state)
{
    (void)state;
    assert_true(sc("I have never been so disappointed") < sc("disappointed"));
    assert_true(sc("it never looked better") > 0 && sc("doesn't look better") < 0);
    assert_true(sc("I have never been this happy") > sc("happy"));
    assert_true(sc("I couldn't be happier with it") > 0.4);
    assert_true(sc("burnt toast never tasted so good") > 0);
    /* "так" before the negator, after "никогда" or "давно" (not in ages) */
    assert_true(sc("никогда так не радовалась") > 0);
    assert_true(sc("давно так не ржали") > 0);
    assert_true(sc("давно так не бесило") < 0);
    assert_true(sc("давно не видела такого бардака") < 0);
    assert_true(sc("давно не работает") < 0);
    assert_true(sc("не такое уж плохое") > 0);
    assert_true(sc("the setup could not be easier") > 0);
    assert_true(sc("couldn't be more pleased") > 0);
    assert_true(sc("it can't be worse") < 0);
    /* comparatives: "has never been clearer" */
    assert_true(sc("the water has never been clearer") > 0);
    assert_true(sc("it could be cleaner") < 0 && sc("it should be faster") < 0);
    assert_true(sc("никогда не был так доволен") > sc("доволен"));
    assert_true(sc("не может быть лучше") > 0);
    /* any negator, a be-verb, then "this": the degree is reached now, not denied */
    assert_true(sc("Haven't been this sore in a while") < 0);
    assert_true(sc("I haven't felt this good in years") > 0);
    assert_true(sc("it hasn't been so bad") > 0);
    assert_true(sc("it hasn't been that bad") > 0);
    /* "never" with "this much", "so much" or "more" after the word: a superlative */
    assert_true(sc("I have never loved electricity this much") > 0);
    assert_true(sc("I've never hated a movie this much") < sc("I hated the movie"));
    assert_true(sc("I never liked it that much") < 0);
    /* "zero" before a word is its absence */
    assert_true(sc("zero complaints") > 0);
    assert_true(sc("I have zero issues with it") > 0);
    assert_true(sc("zero effort from support") < 0);
    assert_true(sc("ноль проблем") > 0);
    assert_true(sc("I have 0 issues with it") > 0 && sc("0 complaints") > 0);
    assert_true(sc("we won 2-0, great game") > sc("we won 2-0") && sc("won 2-0 great") > 0);
    /* no "never", no "be": ordinary negation */
    assert_true(sc("not so good") < 0);
    assert_true(sc("не так хорошо") < 0);
    assert_true(sc("it isn't better than the old one") < 0);
    assert_true(sc("it never gets better") < 0);
    assert_true(sc("I never liked this phone") < 0);
    /* a comparative after "should", "would", "could", "expected", "бы" is what it is not */
    assert_true(sc("it should have been cheaper") < 0);
    assert_true(sc("I expected better") < 0);
    assert_true(sc("would be nicer with a case") < 0);
    assert_true(sc("было бы удобнее") < 0);
    assert_true(sc("ожидала лучшего") < 0);
    assert_true(sc("it could be worse") > 0);
    assert_true(sc("I would recommend it") > 0);
    assert_true(sc("товар лучшего качества") > 0);
    /* "can't ... enough/more" praises; "not ... enough" does not */
    assert_true(sc("I can't recommend this enough") > 0.4);
    assert_true(sc("could not recommend it more") > 0.4);
    assert_true(sc("couldn't love it more") > 0.4);
    assert_true(sc("I can't say enough good things about it") > 0);
    assert_true(sc("I cannot recommend this") < 0);
    assert_true(sc("not good enough") < 0);
    assert_true(sc("can't recommend it, not good enough") < 0);
    /* "free" after a complaint */
    assert_true(sc("stress-free") > 0);
    assert_true(sc("guilt free") > 0);
    assert_true(sc("pain free at last") > 0);
    assert_true(sc("not free") < sc("free"));
    /* ...and hyphened to praise: a lack */
    assert_true(sc("The lead man is charisma-free") < 0 && sc("a fun free app") > 0);
}

static void nlp_intensifiers_and_diminishers(void **state)
{
    (void)state;
    /* an adverb of speed or ease praises what goes well, but next to a complaint it tells how
     * badly it goes */
    assert_true(sc("arrived quickly") > 0 && sc("installs easily") > 0);
    assert_true(sc("the battery drains quickly") < sc("the battery drains"));
    assert_true(sc("the screen cracked easily") < sc("the screen cracked"));
    assert_true(sc("it broke so quickly") < 0);
    assert_true(sc("the screen scratches way too easily") < sc("the screen scratches"));
    assert_true(sc("Screen scratches easily") < 0);
    assert_true(sc("быстро сломался") < sc("сломался"));
    assert_true(sc("быстро доставили") > 0);
    /* so does being on time: what failed to come on time is no merit */
    assert_true(sc("didn't arrive on time") < sc("didn't arrive"));
    assert_true(sc("не доставили вовремя") < sc("не доставили"));
    assert_true(sc("arrived on time") > 0 && sc("пришло вовремя") > 0);
    /* ...but only next to a clear complaint: a refund (-0.9) quickly is good news */
    assert_true(sc("спасибо за быстрый возврат денег") > 0);
    /* a praising intensifier before a size word praises nothing; a damning one still damns */
    assert_true(sc("super small") == 0.0 && sc("ужасно маленький") < 0);
    assert_true(sc("very good") > sc("good"));
    assert_true(sc("extremely good") > sc("very good"));
    assert_true(sc("slightly bad") > sc("bad"));
    assert_true(sc("очень плохо") < sc("плохо"));
    assert_true(sc("чуть маломерит") > sc("маломерит"));
    /* an intensifier that is a polar word only intensifies before another polar word */
    assert_true(sc("terribly good") > 0);
    assert_true(sc("pretty good") > sc("good"));
    assert_true(sc("a glass box of breathtaking banality") < 0 && sc("breathtaking views") > 0.4);
    /* an intensifier written after its word: "as hell" is no damnation of its own */
    assert_true(sc("fun as hell") > sc("fun") && sc("boring as hell") < sc("boring"));
    assert_true(sc("cute af") > sc("cute") && sc("thematic as hell") == 0.0);
    assert_true(sc("Not a perfect film, but an endlessly watchable one.") > 0);
    assert_true(sc("Мелочь, а приятно до слёз") > sc("Мелочь, а приятно"));
    /* a negated intensifier with nothing after it is a mild complaint */
    assert_true(sc("Качество не очень.") < 0);
    assert_true(sc("Качество не очень.") > sc("Качество плохое."));
    assert_true(sc("not very good") < 0);
    /* "нет" closing its clause denies the complaint before it */
    assert_true(sc("Пользуюсь второй месяц — перхоти нет.") > 0 && sc("боли в спине нет") > 0);
    assert_true(sc("После этой соли разводов на стаканах нет") > 0);
    assert_true(sc("удобно или нет") > 0 && sc("Не идеально, но лучше аналогов пока нет") > 0);
    assert_true(sc("радости нет") < 0 && sc("заказ отменили, нет в наличии") < 0);
    assert_true(sc("На вступительных одно, а на деле общежития нет") < 0);
    /* "never" reaches past a function word: "никогда ещё не" */
    assert_true(sc("Никогда ещё не ела такой вкусной клубники") > 0);
    assert_true(sc("не ресторан а мечта") > 0); /* a contrast word closes the scope */
    /* ...and so does a dash: what follows answers the negator */
    assert_true(sc("а нет — сделали качественно") > 0 && sc("no - it's great") > 0);
    assert_true(sc("Качество — не очень") < 0);
    /* a review form's field filled with a refusal is empty: no drawbacks is praise */
    assert_true(sc("Недостатки: нет") > 0 && sc("Достоинства: нет") < 0);
    assert_true(sc("Disliked: Nothing.") > 0 && sc("Cons: none really") > 0);
    assert_true(sc("Недостатки: цена") < 0 && sc("Price: great") > 0);
    /* the fields of a form may run together in one line; each ends at the next header */
    assert_true(sc("Недостатки: не нашла Комментарий: возьму еще") > sc("возьму еще"));
    assert_true(sc("Cons: none Pros: everything") > 0);
    assert_true(sc("cant live without it now") > 0); /* "can't live without" */
}

/* What one expected before a contrast did not happen; a negated expectation is left alone. */
static void nlp_expectation_overturned(void **state)
{
    (void)state;
    assert_true(sc("Думала будет очередной синтетический ужас, а нет, хлопок нормальный") > 0);
    assert_true(sc("Думала, что будет сложно собрать, но собрала за 10 минут") >= 0);
    assert_true(sc("I figured it would be a pain to assemble, but it took ten minutes") >= 0);
    assert_true(sc("I thought it would be flimsy, but it's solid") >
                sc("it would be flimsy, but it's solid"));
    assert_true(sc("I thought it would be great but it broke in a week") < 0);
    /* what did not happen is denied: a feared flaw is mild praise, a hope a letdown */
    assert_true(sc("Думала, будет ужас, а нет") > 0 && sc("думала, будет супер, а нет") < 0);
    /* the thing expected may be named between the expectation and the modal */
    assert_true(sc("Думала матрас за 15 тысяч будет так себе, а он отличный") >
                sc("Матрас за 15 тысяч будет так себе, а он отличный"));
    /* a word of outcome answers the expectation too */
    assert_true(sc("думал будет весело, в итоге весь вечер просидел в телефоне") <= 0);
    assert_true(sc("I thought it would be fun, ended up on my phone all night") <= 0);
    /* no contrast, or a negated expectation: the words count */
    assert_true(sc("думала будет ужас") < 0 && sc("не думала, что будет так удобно, но") > 0);
    /* a next sentence that judges the other way answers it; one that agrees confirms it */
    assert_true(sc("Думала будет ад. Всё заняло 15 минут, на следующий день нормально ела") > 0);
    assert_true(sc("I thought it would be flimsy. It's very sturdy.") >
                sc("It would be flimsy. It's very sturdy."));
    assert_true(sc("Думала будет ужас. Так и вышло, ужас.") < -0.5);
    /* ...and so does a bare denial, which then refuses nothing; a fear that did not come
     * true counts nothing */
    assert_true(sc("I thought it would be flimsy. It isn't.") > 0);
    assert_true(sc("Was worried it would look cheap in person. It doesn't.") > 0);
    assert_true(sc("Боялась, что будет маломерить, но нет") > 0);
    assert_true(sc("I'm worried it will break soon") < 0);
    /* "expected", "ожидала" may name what was expected as their object, in their clause */
    assert_true(sc("Expecting the worst, but it was fine") > 0);
    assert_true(sc("Ожидала ужас, а получила отличную вещь") >
                sc("Ужас, а получила отличную вещь"));
    assert_true(sc("I expected great quality but got junk") < sc("great quality but got junk"));
    assert_true(sc("Exactly what I expected, great quality") > 0);
    /* "thought it was" tells a past belief, often a true one */
    assert_true(sc("I thought it was great, but the ending dragged") ==
                sc("it was great, but the ending dragged"));
}

static void nlp_excess_and_degree(void **state)
{
    rm_sentiment s;
    (void)state;
    assert_true(sc("The sleeves are big") == 0.0);
    assert_true(sc("The sleeves are too big") < 0);
    assert_true(sc("Рукава слишком длинные") < 0);
    assert_true(sc("not too big") > 0);
    s = run("слишком узкий");
    assert_non_null(evidence_for(&s, "слишком узкий"));
}

static void nlp_contrast_weighs_later_clause(void **state)
{
    (void)state;
    /* the same words, the order decides */
    assert_true(sc("The screen is great, but the battery is bad") < 0);
    assert_true(sc("The battery is bad, but the screen is great") > 0);
    assert_true(sc("Дорого, зато качество отличное") > 0);
    assert_true(sc("Качество отличное, но дорого и доставка ужасная") < 0);
    assert_true(sc("Although the plot is weak, the acting is excellent") > 0);
    assert_true(sc("Great start. But the ending was awful.") < 0);
    /* praise "undone by", "let down by" what follows weighs as before "but" */
    assert_true(sc("A handsome production undone by a screenplay written by committee") < 0);
    assert_true(sc("A great cast let down by a script") < 0);
    /* ...and so does what starts well and "devolves into", "curdles into" something else */
    assert_true(sc("What starts as a promising satire curdles into a lecture") < 0);
    assert_true(sc("A fun premise that quickly devolved into chaos") < 0);
    /* praise that "doesn't make up for" what follows concedes it */
    assert_true(sc("Nice decor doesn't make up for a 20 minute wait") < 0);
    assert_true(sc("A great premise, squandered by a director with no idea what to do") < -0.2);
    /* "раньше X, теперь Y": X no longer holds, Y weighs as after "but" */
    assert_true(sc("Раньше студия делала шедевры, теперь штампует сиквелы") < 0);
    assert_true(sc("Used to dread going to the gym, now I look forward to it") > 0.3);
    assert_true(sc("Раньше любил Додо, теперь хз") < 0);
}

static void nlp_caps_and_exclamation_emphasis(void **state)
{
    (void)state;
    assert_true(sc("this is GOOD") > sc("this is good"));
    assert_true(sc("good!!!") > sc("good"));
    assert_true(sc("bad!!!") < sc("bad"));
    /* all-caps text has no word standing out: no caps bonus */
    assert_true(fabs(sc("THIS IS GOOD") - sc("this is good")) < 1e-9);
    /* '!' counts at most four times */
    assert_true(fabs(sc("good!!!!") - sc("good!!!!!!!!")) < 1e-9);
    /* with nothing polar, "!" is excitement, unless the text complains, asks or addresses */
    assert_true(sc("the new season starts tonight!") > 0.05);
    assert_true(sc("LAKERS IN OT!!!") > sc("the new season starts tonight!"));
    assert_true(sc("Hi! Do the refills come in unscented?") == 0.0);
    assert_true(sc("Списали 500 рублей. Я ничего не нажимала!!!") < 0);
    assert_true(sc("@mts_russia меняет тарифы с 1 июля!") == 0.0);
}

static void nlp_emoji_emoticons_and_brackets(void **state)
{
    (void)state;
    assert_true(sc("\xF0\x9F\x98\x8D") > 0.3);
    assert_true(sc("\xF0\x9F\x98\xA1") < -0.3);
    assert_true(sc(":)") > 0);
    assert_true(sc(":(") < 0);
    assert_true(sc("ok))))") > sc("ok)"));
    assert_true(sc("опять(((") < 0);
    assert_true(sc("I <3 it") > 0 && sc("see you tomorrow <333") > 0);
    /* a last letter doubled in chat: "happyy" is "happy"; words and names stay */
    assert_true(sc("so happyy") > 0.4 && sc("im so sadd") < -0.4);
    assert_true(sc("assess") == 0.0 && sc("Grimm") == 0.0);
    /* an emoji closes what came before it: a negator does not reach past it */
    assert_true(sc("not today love it") < 0);
    assert_true(sc("not today \xF0\x9F\x9A\x97 love it") > 0);
    assert_true(sc("no reason \xF0\x9F\x98\xAD thank you") > sc("no reason thank you"));
}

/* One lowercase praise word in quotes is meant the other way; a capitalised one inside a
 * sentence is a name. */
static void nlp_scare_quotes(void **state)
{
    (void)state;
    assert_true(sc("мой \"любимый\" оператор опять без связи") < 0);
    assert_true(sc("\"Прекрасное\" предложение от оператора") < 0);
    assert_true(sc("Сбербанк обновил программу лояльности «Спасибо»") == 0.0);
    assert_true(sc("вклад «Победа» можно открыть онлайн") >= 0);
    /* single quotes too, straight or curly; an apostrophe alone is no quote */
    assert_true(sc("data runs out in 10 days on the 'generous' plan") < 0);
    assert_true(sc("the \xE2\x80\x98premium\xE2\x80\x99 tier") < 0);
    assert_true(sc("rock 'n' roll is great") > 0);
}

/* A post tagged as sarcastic means none of its praise, nor a sentence opened "Oh sure,". */
static void nlp_tagged_sarcasm(void **state)
{
    rm_sentiment s;
    (void)state;
    s = run("Love working on weekends #not");
    assert_true(s.score < 0);
    assert_non_null(evidence_for(&s, "sarcasm: love"));
    assert_true(sc("Oh great, another group project where I do all the work. Love it. #sarcasm") <
                0);
    assert_true(sc("Обожаю понедельники #сарказм") < 0);
    /* a hashtag that only starts with the word, or a denied tag, tags nothing */
    assert_true(sc("Great game #NotMyTeam") > 0);
    assert_true(sc("not #sarcasm but I really loved it") > 0);
    /* "Oh sure," and "yeah sure," mock the praise after them */
    s = run("Oh sure, I'd LOVE to cover your shift for the third time this week.");
    assert_true(s.score < 0);
    assert_non_null(evidence_for(&s, "irony: love"));
    assert_true(sc("yeah sure, i LOVE spending my saturday doing laundry") < 0);
    /* ...not as a concession, an eager yes, or "Sure," alone */
    assert_true(sc("Oh sure, it's pricey, but the quality is on another level") > 0);
    assert_true(sc("Oh sure, I'd love to help!") > 0);
    assert_true(sc("Sure, it's all well and good for them") > 0);
}

/* Praise of a time for doing something that complains is irony. */
static void nlp_ironic_time(void **state)
{
    rm_sentiment s;
    (void)state;
    s = run("what a beautiful day to have my car towed");
    assert_true(s.score < 0);
    assert_non_null(evidence_for(&s, "irony: beautiful"));
    assert_true(sc("Great time for my phone to die") < 0);
    assert_true(sc("Perfect weather to be stuck inside with the flu") < 0);
    assert_true(sc("Отличный день, чтобы сломать ногу") < 0);
    assert_true(sc("Отличная погода, чтобы промокнуть до нитки") < 0);
    /* nothing complains: the praise holds */
    assert_true(sc("What a great time to be alive") > 0);
    assert_true(sc("what a beautiful day to go to the beach") > 0);
    /* a way to handle a problem names the problem */
    assert_true(sc("A really nice way to handle popups") > 0);
}

/* A bare verdict of praise right after a complaint is irony; after a problem told as solved,
 * with a contrast word, or with more to say, it is praise. */
static void nlp_ironic_verdict(void **state)
{
    rm_sentiment s;
    (void)state;
    s = run("Forgot my phone at home. Great.");
    assert_true(s.score < 0);
    assert_non_null(evidence_for(&s, "irony: great"));
    assert_true(sc("my car won't start. perfect timing") < 0);
    assert_true(sc("My flight got cancelled. Unbelievable.") < sc("My flight got cancelled."));
    assert_true(sc("Cancelled my order without telling me. Unreal.") < 0);
    assert_true(sc("Unreal. Best concert ever") > 0);
    assert_true(sc("Server rolled her eyes when we asked for tap water. Classy.") < 0);
    assert_true(sc("Опять пробки из-за ремонта, третий год подряд. Стабильность") < 0);
    /* "Wow." alone after a complaint is dismay; opening praise it marvels */
    assert_true(sc("They lost my luggage. wow.") < sc("They lost my luggage."));
    assert_true(sc("Wow. What a game!") > 0);
    assert_true(sc("forgot my lunch at home AND my wallet. great") < 0); /* faint "lunch" */
    assert_true(sc("Опять нет связи. Супер!") < 0);
    assert_true(sc("Списали деньги за смс, которые я не отправлял. Молодцы.") < 0);
    /* a short plain fragment between adds to the complaint; a longer sentence tells more */
    assert_true(sc("can't sleep. work at 6. brilliant") < 0);
    assert_true(sc("Screen cracked. Replacement came next day. Great.") > 0);
    /* the sentence before praises: the problem was solved */
    assert_true(sc("Поменяли брак без вопросов. Отлично.") > 0);
    assert_true(sc("The first one broke, the replacement works perfectly. Great.") > 0);
    /* a contrast answers the complaint; a longer sentence says more than a verdict */
    assert_true(sc("The box was dented. Great product though.") >= sc("The box was dented."));
    assert_true(sc("Shipping was slow. Great quality and a perfect fit for my son.") > 0);
    /* a colon or a dash names what is rated: "Price: great" is a rating */
    assert_true(sc("Shipping was slow. Price — great.") > 0);
    /* ...and so does a plain word before the praise; after it, it is what the irony is about */
    assert_true(sc("Shipping was slow. Product is great.") > 0);
    assert_true(sc("Доставка задержалась на 2 дня. Сам товар отличный") > 0);
    assert_true(sc("Headlights don't work. Great trade.") < 0);
    /* ...and bare thanks after a complaint; with "!" thanks are meant */
    assert_true(sc("Cliffhanger ending and the show just got cancelled. Thanks, Netflix.") < 0);
    assert_true(sc("It turned a frustrating week around. Thank you, Daniel!!") > 0);
    /* ...and thanks opening a short verdict of praise */
    assert_true(sc("Интернета нет с утра. Спасибо, очень помогли") < 0);
    assert_true(sc("Рейс задержали на 9 часов. Спасибо, Аэрофлот, вы лучшие") < 0);
    /* ...also closing the complaint's own sentence, after a comma or as its reactions */
    assert_true(sc("45 mins waiting for the bus in the rain, thanks transit") < 0);
    assert_true(sc("Курьер бросил коробку у двери, внутри разбитая ваза. Спасибо, Озон") <
                sc("Курьер бросил коробку у двери, внутри разбитая ваза."));
    assert_true(sc("Two hours on hold and then they hung up on me 👏👏") < 0);
    assert_true(sc("So proud of my team 👏") > 0 && sc("Finally home, great") > 0);
    /* praise opening a sentence, set off by a comma, before a complaint with no contrast */
    assert_true(sc("Great, another charger that only works if you hold it just so.") < 0);
    assert_true(sc("Супер, опять списали деньги") < sc("опять списали деньги"));
    /* ..."another" right after the comma is enough, unless the sentence praises */
    assert_true(sc("Oh great, another gritty reboot where everyone whispers") < 0);
    /* ...and so is "again" closing a clause after the comma, or "опять" anywhere after it */
    assert_true(sc("oh great, facebook changed the layout AGAIN") < 0);
    assert_true(sc("Супер, опять обновление") < 0 && sc("Great, see you again soon") > 0);
    assert_true(sc("Отлично, очередное обновление") < 0);
    assert_true(sc("Great, another reason to love this brand") > 0.4);
    assert_true(sc("Yay, another group project where I do all the work") < 0);
    assert_true(sc("Yay, it arrived") > 0.4);
    /* ...and any praise right before "another" */
    assert_true(sc("Oh good, another 10-episode show that should've been a movie") < 0);
    assert_true(sc("Nice, another day off") > 0.4);
    /* ...with mentions before the comma, and a phrase of praise */
    assert_true(sc("great job @Verizon, the package arrived broken") < 0);
    /* ...or naming its subject before a colon, then only complaining */
    assert_true(sc("Great service: waited 40 minutes and got the wrong order") < 0);
    assert_true(sc("Отличный товар: не линяет, не садится") > 0.4);
    assert_true(sc("Great product: sturdy, quiet, but the cord is short") > 0.4);
    /* ...past an intensifier before the praise */
    assert_true(sc("Really great service: waited 40 minutes and got the wrong order") < 0);
    assert_true(sc("Просто супер, опять списали деньги") < sc("опять списали деньги"));
    /* ...and the applause closing it is part of the irony */
    assert_true(sc("Чудесная доставка: коробка мятая, внутри половина кружек в осколках 👏") < 0);
    assert_true(sc("Great show tonight 👏👏") > 0.4);
    /* ...also after a neutral interjection */
    assert_true(sc("Oh great, another cream that gave me acne.") < 0);
    assert_true(sc("Ну отлично, опять списали деньги") < sc("опять списали деньги"));
    assert_true(sc("Great, it fits") > 0 && sc("A wonderful, ghastly film.") > 0);
    assert_true(sc("Great product, but the strap broke") > sc("the strap broke"));
    /* ...and praise of the clause after it ("love how", "обожаю, когда") needs no comma */
    assert_true(sc("Love how the zipper broke the first time I zipped it") < 0);
    assert_true(sc("Love how light it is, I forget it's in my backpack.") > 0.3);
    assert_true(sc("Обожаю, когда заказ отменяют без объяснений") < 0);
    assert_true(sc("Обожаю, когда сервис помнит, где я остановился") > 0.3);
    assert_true(sc("Обожаю этот крем, жаль тюбик маленький") > 0);
    /* ...and a bare verdict after a sentence so turned is irony too */
    assert_true(sc("love how my flight got delayed and nobody told us why. awesome airline") <
                sc("love how my flight got delayed and nobody told us why."));
    /* praise told in the past for a short time is a thing that stopped */
    assert_true(sc("Worked great for two weeks, then the Bluetooth started cutting out") < 0);
    assert_true(sc("Was great for six months and then the motor just died.") < 0);
    assert_true(sc("Looked great for the first wash") < 0);
    assert_true(sc("Has worked great for 2 years") > 0.4 && sc("Worked great for 5 years") > 0.4);
    assert_true(sc("The park was great for a day trip") > 0.4);
    /* ...and so is praise opening a sentence with a short time and a "then" */
    assert_true(sc("Fun for a week, then the energy system kicks in") < 0);
    assert_true(sc("Great for a day trip, then we went home") > 0.4);
    /* thanks for a complaint; thanks for a favour, a plain thing or a complaint denied */
    assert_true(sc("Thanks @AmericanAir for losing my bag on a direct flight.") < 0);
    assert_true(sc("Спасибо МТС за списанные деньги") < sc("списанные деньги"));
    assert_true(sc("Thanks for fixing my broken screen") > 0);
    assert_true(sc("thank you for working in that mess") >= 0);
    assert_true(sc("thanks for not charging me") > 0);
    /* ...with the name set off by commas, and a number's unit before the complaint */
    assert_true(sc("Спасибо, МТС, за повышение тарифа") < sc("повышение тарифа"));
    assert_true(sc("thank you for the 4 hour outage") < 0);
    /* ...and the strong thanks too: "thank you so much", "большое спасибо" */
    assert_true(sc("Thank you so much Ryanair for charging me 60 euros for a bag") < 0);
    assert_true(sc("Большое спасибо МТС за списанные деньги") < 0);
    assert_true(sc("Thank you so much for fixing my broken screen") > 0);
    /* thanks for something in scare quotes; not for a title */
    s = run("Thanks @dominos for the 'hot and fresh' pizza that arrived cold");
    assert_true(s.score < 0);
    assert_non_null(evidence_for(&s, "irony: fresh"));
    assert_true(sc("Мегафон, спасибо за «бесплатный» пробный период") < 0);
    assert_true(sc("Thanks for the \"Best Employee\" award!") > 0);
    /* a verdict closing the sentence of turned thanks turns too, and the occasion the
     * complaint spoils ("birthday") is no praise that would stop it */
    s = run("Thanks for ruining my birthday dinner, really appreciate it.");
    assert_non_null(evidence_for(&s, "irony: really appreciate it"));
    assert_true(sc("You ruined my dinner, great.") < sc("You ruined my dinner."));
    assert_true(sc("First day of my holiday and I've got a cold. Classic.") < 0);
    assert_true(sc("Спасибо, Иван, за отличную стрижку") > 0.4);
    /* a mocking reaction turns the praise of its sentence, not of the one before */
    assert_true(sc("Love how @Spirit charges me for the air I breathe 🙃") < 0);
    s = run("Great hotel. Wifi dropped twice 🙄");
    assert_null(evidence_for(&s, "mocked: great"));
    assert_non_null(evidence_for(&s, "great"));
    /* ...and so do words that mock, after a comma, closing their sentence */
    assert_true(sc("Работа мечты, говорили они.") < 0);
    assert_true(sc("Официанта не дозовёшься. Отличный вечер, ничего не скажешь.") < 0);
    assert_true(sc("It'll be fun, they said.") < 0);
    assert_true(sc("Great food, they said we could sit anywhere") > 0.4);
    /* praise that holds only some of the time: a condition closing its clause turns it, in its
     * sentence or, standing alone, the one before; one that opens a clause is no complaint */
    s = run("Great app when it works");
    assert_true(s.score < 0);
    assert_non_null(evidence_for(&s, "limited: great"));
    assert_true(sc("Отличный пылесос, когда работает.") < 0);
    assert_true(sc("Vacuum is great... when it works.") < 0);
    assert_true(sc("Slow at times, but when it works, nothing else comes close") ==
                sc("Slow at times, but nothing else comes close"));
    /* the condition of an unreal past names what happened; the praise that would have followed
     * did not ("would have been" denies on its own, "бы не справилась" is an entry) */
    s = run("Всё было бы отлично, если бы не грязь в номере");
    assert_true(s.score < 0);
    assert_non_null(evidence_for(&s, "unreal: отличный"));
    assert_true(sc("Would be a great hotel if it weren't for the noise") < 0);
    assert_true(sc("It would have been perfect if not for the noise") < 0);
    assert_true(sc("Если бы не доставка, поставила бы 5") < 0);
    assert_true(sc("Если бы не он, я бы не справилась") > 0);
    /* relief after a mishap is no praise; after nothing bad it praises */
    assert_true(sc("Dye ran all over my towels. Good thing I didn't wash it with my shirts") < 0);
    assert_true(sc("Пауэрбанк вздулся через месяц. Хорошо, что дома заметил") < 0);
    assert_true(sc("Thankfully it fits!") > 0.4);
    /* a verdict that stands alone in its clause; with another word there it names a kind */
    assert_true(sc("Woke up with a sore throat on the first day of my holiday. typical") < 0);
    assert_true(sc("$18 for a burger that came out gray. Pass.") < 0);
    assert_true(sc("Сломался через неделю, типично") < sc("Сломался через неделю"));
    assert_true(sc("Typical sports bar with a lot of TVs") == 0.0);
    assert_true(sc("all tests pass") == 0.0 && sc("the quarterly figures") == 0.0);
    /* "на уровне" praises only when it closes its clause; with more after it, it compares */
    assert_true(sc("Организация на уровне!") > 0.3);
    assert_true(sc("Официант закатил глаза. Сервис на уровне вокзальной столовки") < 0);
    assert_true(sc("ЦБ сохранил ключевую ставку на уровне 16%") == 0.0);
    /* "they said" mocks a short phrase it closes, and counts only where it mocks */
    assert_true(sc("Lifetime access they said. Platform shut down after 14 months.") < 0);
    assert_true(sc("flexible they said") < 0);
    assert_true(sc("The courier they said would call never showed") ==
                sc("The courier would call never showed"));
    assert_true(sc("Массажистка весь сеанс болтала по телефону. Расслабилась, называется") < 0);
    assert_true(sc("Магазин называется Ромашка") == 0.0);
    /* "ага" closing praise mocks it */
    assert_true(sc("Очень удобные туфли, ага") < 0);
    assert_true(sc("Ага, получила вчера, всё отлично") > 0.4);
    /* praise right before a strong complaint sizes or mocks it */
    assert_true(sc("Great waste of money") == sc("waste of money"));
    assert_true(sc("Lovely scam") < -0.3 && sc("Nice bait and switch.") < -0.3);
    assert_true(sc("Great service, awful parking") > sc("Service, awful parking"));
    /* refusing to go back to what one left praises what one has; to the place reviewed, not */
    assert_true(sc("Switched to fiber from cable and never going back to cable") > 0.3);
    assert_true(sc("Never going back to that place.") < -0.3);
    assert_true(sc("Never going back to Applebee's.") < -0.3);
    /* thanks that decline */
    assert_true(sc("Кредитка под 30% годовых — спасибо, не надо") < 0);
    assert_true(sc("No, thanks.") < 0 && sc("Спасибо, не нужно было") > 0);
    /* thanks for praise the sentence then takes back */
    assert_true(sc("Спасибо Билайну за прекрасную связь в центре, одна палка, и та через раз") < 0);
    assert_true(sc("Thanks for the great service, the courier was polite") > 0.4);
    /* praise on a condition that names a complaint; the liking there is no one's */
    assert_true(sc("Отличный телефон, если любите перезагружать его три раза в день") < 0);
    assert_true(sc("Great hotel if you enjoy cockroaches") < 0);
    assert_true(sc("Great phone if you like big screens") > 0.4);
    assert_true(sc("Очень \"удобные\" туфли, особенно если любите пластыри") < 0);
    assert_true(sc("Can't decide if I loved the ending or hated it") > -0.3);
    /* praise offered as a consolation ("ну хоть", "хотя бы") is a letdown; "хоть и" is
     * "although", and English "at least" looks on the bright side as often */
    assert_true(sc("ну хоть попкорн был вкусный") < 0 && sc("Хотя бы упаковка целая") < 0);
    assert_true(sc("Хоть и дорого, но качественно") > 0.4);
    /* "а" is a contrast: what follows it is no ironic verdict */
    assert_true(sc("Ждала долго, а он отличный") > 0);
    /* praise with no complaint before it, and a first sentence, stay praise */
    assert_true(sc("Arrived fast. Great!") > 0 && sc("Great.") > 0);
    /* "as always", "как всегда" after the verdict say the irony is a habit */
    assert_true(sc("Woke up with pink eye. Perfect timing as always.") < 0);
    assert_true(sc("Delivered on time. Great as always.") > 0.4);
}

static void nlp_social_posts(void **state)
{
    rm_sentiment s;
    (void)state;
    /* an interjection comments on the whole post: no negator before it reaches it */
    s = run("you can never leave lmao");
    assert_true(s.score > 0);
    assert_non_null(evidence_for(&s, "lmao"));
    assert_null(evidence_for(&s, "not lmao"));
    assert_true(sc("not really ugh") < 0);
    /* intensifiers do not reach it either */
    assert_true(fabs(sc("I am very lol today") - sc("I am lol today")) < 1e-9);
    /* a sentence that is only a negator refuses; a negator with words after it does not */
    s = run("No.");
    assert_true(s.score <= -0.05);
    assert_non_null(evidence_for(&s, "no"));
    assert_true(sc("NO. PHYS ED OUTFITS. NO.") < sc("No."));
    assert_true(sc("Нет.") < 0);
    assert_true(sc("No, I loved it") > 0.4);
    assert_true(sc("No problem.") > 0);
    /* chat words, laughs and faces */
    assert_true(sc("@you WTG!!!") > 0.3);
    assert_true(sc("what was ur fav part?") > 0);
    assert_true(sc("lolol") > 0);
    assert_true(sc("hell yeah") > 0.3);
    assert_true(sc("hell no") < -0.3);
    assert_true(sc("Making a mess of the kitchen (:") > sc("Making a mess of the kitchen"));
    assert_true(sc("\xE0\xB2\xA0_\xE0\xB2\xA0") < 0);
    assert_true(sc("I \xE2\x99\xA5 NY") > 0.3);
    assert_true(sc("yay \\o/") > sc("yay"));
    /* "must have" is praise only as a noun: "a must have", not "must have missed" */
    assert_true(sc("I must have missed it") <= 0.0);
    assert_true(sc("This is a must have") > 0.4);
    /* "last" before a time word dates; it is no durability complaint */
    assert_true(sc("not last year") == 0.0);
    assert_true(sc("It did not last") < 0);
    assert_true(sc("It could have been worse") > 0);
    /* a face or interjection that closes the post is its verdict, links and tags after it or
     * not; the same face inside the text is one word among others */
    assert_true(sc("Making a mess of the kitchen :)") > 0);
    assert_true(sc("Making a mess of the kitchen :) http://x.io/a #home") > 0);
    assert_true(sc(":) Making a mess of the kitchen") <= 0);
    assert_true(sc("Home from the family parties, now off to wrap. Ugh!") < 0);
    /* words whose forms parted ways, and adverbs that only organise the sentence */
    assert_true(sc("thieves steal toys") < 0);
    assert_true(sc("what a steal!") > 0);
    assert_true(sc("suspect in slaying arrested") < 0);
    assert_true(sc("you slayed it") > 0);
    assert_true(sc("I wonder why it does that") == 0.0);
    assert_true(sc("it works wonders") > 0);
    assert_true(sc("practically") == 0.0);
    assert_true(sc("practical") > 0);
    /* camel-case hashtags are read as the words they join */
    assert_true(sc("first day at work #EpicFail") < -0.3);
    assert_true(sc("#SoHappy") > sc("#happy"));
    /* the sentence before a hashtag does not reach into it; words inside it do */
    assert_true(sc("списали деньги без подтверждения #Беспредел") < 0);
    assert_true(sc("#NotHappy") < 0);
    /* slang intensifiers that are polar words only intensify before another polar word */
    assert_true(sc("wicked good") > sc("good"));
    assert_true(sc("mad good") > sc("good"));
    assert_true(sc("he is mad") < 0);
    assert_true(sc("lowkey good") < sc("good"));
    assert_true(sc("lowkey good") > 0);
    /* chat spellings and idioms */
    assert_true(sc("cant wait") > 0.3);
    assert_true(sc("too much fun") > 0.3);
    assert_true(sc("not gonna lie") == 0.0);
    assert_true(sc("lying in bed all day") == 0.0);
    assert_true(sc("he lied to me") < 0);
    assert_true(sc("it took a great deal of time") == 0.0);
    assert_true(sc("what a great deal") > 0.3);
    assert_true(sc("the school burned down") < -0.3);
}

static void nlp_ecommerce_phrases(void **state)
{
    rm_sentiment s;
    (void)state;
    /* service that does not happen: negated verbs of delivery and connection, "не удалось" */
    assert_true(sc("платежи не проходят") < 0);
    assert_true(sc("не приходят смс") < 0);
    assert_true(sc("не могу подключиться к сети") < 0);
    assert_true(sc("мобильный интернет работать не хочет") < 0);
    assert_true(sc("не удалось загрузить новости") < 0);
    assert_true(sc("не удалось найти недостатков") > 0);
    assert_true(sc("I can't connect to the network") < 0);
    assert_true(sc("the payment didn't go through") < 0);
    assert_true(sc("no one picks up the phone") < 0);
    assert_true(sc("I contacted support") == 0.0);
    /* a phrase written with its verb's base form matches every form of it */
    assert_true(sc("they just work") > 0 && sc("ten years on, they keep going") > 0);
    /* coarse complaints of customer tweets; the praising swear words stay praise */
    assert_true(sc("реально заебал уже") < 0 && sc("заебись") > 0);
    assert_true(sc("совсем охуели") < 0 && sc("всё охуенно") > 0);
    assert_true(sc("билайн в метро не пашет") < 0);
    assert_true(sc("интернет постоянно пропадает") < 0);
    assert_true(sc("мегафон жрет деньги") < 0);
    /* bank customers */
    assert_true(sc("Банкомат съел карту") < 0);
    assert_true(sc("Проценты грабительские") < 0);
    assert_true(sc("Подняли комиссию за обслуживание карты") < 0);
    assert_true(sc("Банкомат не выдал деньги") < 0);
    /* the comma of a Russian comparison does not end the clause */
    assert_true(sc("Цвет совсем не такой, как на фото") < 0);
    assert_true(sc("Такой же, как на фото") > 0);
    assert_true(sc("Свою функцию выполняет") > 0);
    assert_true(sc("Не тратьте деньги") < 0);
    assert_true(sc("Хотела полюбить, но не сложилось") < 0);
    assert_true(sc("Works as intended") > 0 && sc("Save your money and buy something else") < 0);
    assert_true(sc("It fell apart after two days") < -0.4);
    assert_true(sc("Fits perfectly") > 0.4);
    assert_true(sc("I returned it") < 0);
    assert_true(sc("It doesn't fit") < 0);
    assert_true(sc("брак") < 0);
    assert_true(sc("маломерит") < 0);
    assert_true(sc("не подошёл") < 0);
    assert_true(sc("Не подошел по размеру") < 0);
    assert_true(sc("Размер подошёл") > 0);
    assert_true(sc("Подошла по размеру, спасибо") > 0);
    assert_true(sc("For the price you can't beat it") > 0.3);
    assert_true(sc("hard to beat") > 0);
    assert_true(sc("thanks for nothing") < 0);
    assert_true(sc("Lasted only two weeks") < 0);
    assert_true(sc("Smaller than expected") < 0);
    assert_true(sc("They refunded me, no questions asked") > 0);
    assert_true(sc("ни о чём не жалею") > 0);
    /* Russian denies after naming: "брака нет", "проблем не было" */
    assert_true(sc("брака нет") > 0);
    assert_true(sc("запаха нет") > 0);
    assert_true(sc("проблем не было") > 0);
    assert_true(sc("брак") < 0);
    assert_true(sc("к сожалению нет") < 0);
    assert_true(sc("много проблем") < 0);
    assert_true(sc("батарея держит долго") > 0);
    assert_true(sc("всё в комплекте") > 0);
    assert_true(sc("пластик пахнет") < 0);
    assert_true(sc("фильм ни о чём") < 0);
    assert_true(sc("жалею, что купила") < 0);
    assert_true(sc("упаковка целая") > 0);
    assert_true(sc("не ожидала такого качества за такие деньги") > 0);
    assert_true(sc("Не рекомендую") < -0.4);
    assert_true(sc("Всем рекомендую!") > 0.4);
    assert_true(sc("5/5") > 0.4);
    assert_true(sc("1 star") < -0.3);
    assert_true(sc("оценка 2 из 5") < 0);
    assert_true(sc("12/10/2024") == 0.0);
    assert_true(sc("копия за 1/10 цены") == 0.0 && sc("1/10 of the price") == 0.0);
    assert_true(sc("would give 6 stars if I could") > 0.4); /* more than the top is the top */
    /* a rating counts once: its second number is no rating of its own */
    assert_true(sc("10 out of 10 stars") == sc("10 out of 10"));
    /* a negator right before a rating denies it, as it denies a word */
    s = run("Used to be 5 stars.");
    assert_true(s.score < 0);
    assert_non_null(evidence_for(&s, "used to be 5 stars"));
    assert_true(sc("Never a 1 star experience here") > 0 && sc("Не 5 звезд, а 3") < 0);
    assert_true(sc("press 1 start button") == 0.0 && sc("the Windows 8 start screen") == 0.0);
    /* a hotel's stars are its class, and other people's stars are their reviews */
    assert_true(sc("For a 5 star hotel, the service was appalling") < 0);
    assert_true(sc("отель 5 звезд, а сервис как в хостеле") == 0.0);
    assert_true(sc("Поставила бы 5 звёзд отелю") > 0.4 && sc("5 stars for the hotel staff") > 0.4);
    assert_true(sc("Another 5 star review I trusted. Never again.") < 0);
    assert_true(sc("Left a 3 star Google review and the owner replied with insults") < -0.3);
    /* a short sentence denying a praise and a complaint weighs the thing as middling */
    assert_int_equal(run("Not bad, not great.").label, RM_LABEL_NEU);
    assert_int_equal(run("Не ужас, но и не вау").label, RM_LABEL_NEU);
    assert_true(sc("It isn't exactly quality cinema, but it isn't nearly as terrible as it could "
                   "have been, and the cast is fun.") > 0);
    /* a middling mark and no other is the verdict; the good and bad points beside it weigh
     * little */
    assert_int_equal(run("Gave it 3 stars. Good idea, needs polish.").label, RM_LABEL_NEU);
    assert_int_equal(run("Модель хорошая, но ткань ниже среднего. Итог — 3 звезды").label,
                     RM_LABEL_NEU);
    assert_int_equal(run("3/5: ads are annoying but the free version is generous.").label,
                     RM_LABEL_NEU);
    assert_true(sc("Gave it 3 stars. Good idea, needs polish.") > 0);
    assert_true(sc("Was 3/5, after the update it's a 5/5. Great idea.") > 0.4);
    /* ...and so is a phrase that says the good and bad even out */
    assert_int_equal(run("Good sound, but the app is clunky. Evens out I guess.").label,
                     RM_LABEL_NEU);
    assert_int_equal(run("Камера неплохая, батарея слабовата. Так на так.").label, RM_LABEL_NEU);
    assert_int_equal(run("Some great scenes, some boring ones. Mixed bag.").label, RM_LABEL_NEU);
    /* numbers written as words rate too; a Russian school mark after a verb of marking */
    assert_true(sc("пять звёзд") > 0.4 && sc("eight out of ten") > 0 && sc("one star") < -0.4);
    assert_int_equal(run("Flavors a bit bland, staff friendly. Three stars seems right.").label,
                     RM_LABEL_NEU);
    assert_true(sc("Поставила единицу, а толку?") < 0 && sc("Ставлю пять") > 0.4);
    assert_true(sc("I gave one to my sister") == 0.0 && sc("поставил два новых окна") == 0.0);
    /* a bare number after a verb of marking is a mark; a number the next word counts is not */
    assert_true(sc("Ставлю 5, хотя доставка задержалась на 2 дня.") > 0);
    assert_true(sc("Поставила 2, потому что пахнет") < 0 && sc("Rating: 2") < 0);
    /* "Stars:" marks too, and a middling mark keeps the rest from tipping it */
    assert_true(fabs(sc("Stars: 3. Pros: cheap, light. Cons: flimsy, loud.")) < 0.05);
    assert_true(sc("Оценка — 2") < 0 && sc("Оценка - 5, всем советую") > 0.4);
    assert_true(sc("I'd give this place a 4.") > 0 && sc("ставлю 1 за доставку") < -0.4);
    assert_true(sc("поставил 5 полок") == 0.0 && sc("Give it 10 minutes") == 0.0);
    assert_true(sc("gave it 2 weeks") == 0.0 && sc("it gives 5% cashback") > 0);
    assert_true(sc("Предложили поставить платную за 5к") == 0.0);
    /* the top school grade, "+" written straight after the letter */
    assert_true(sc("A+ seller") > 0.4);
    assert_true(sc("A+++ service") > 0.4);
    assert_true(sc("a + b") == 0.0 && sc("a+b") == 0.0);
    assert_true(sc("класс энергопотребления A++") == 0.0 && sc("energy rating A+") == 0.0);
    /* a run of star glyphs is a rating; a lone star is praise */
    assert_true(sc("\xE2\x98\x85\xE2\x98\x85\xE2\x98\x85\xE2\x98\x85\xE2\x98\x85") > 0.4);
    assert_true(sc("\xE2\x98\x85\xE2\x98\x85\xE2\x98\x86\xE2\x98\x86\xE2\x98\x86") < -0.3);
    assert_true(sc("\xE2\xAD\x90\xE2\xAD\x90") < 0 && sc("great service \xE2\xAD\x90") > 0);
}

/* Forms Snowball puts on another stem, or that a short stem cannot reach, still carry their
 * lemma's valence (configs/lexicons/ru_forms.tsv); homographs of those forms stay neutral. */
static void nlp_russian_word_forms(void **state)
{
    (void)state;
    assert_true(sc("телефон очень удобен") > 0);
    assert_true(sc("вкусен и свеж") > 0);
    assert_true(sc("обрывы связи каждый день") < 0);
    assert_true(sc("связь постоянно сбоит") < 0);
    assert_true(sc("тупые консультанты") < 0);
    assert_true(sc("опять проблему не решили") < 0);
    assert_true(sc("за месяц без поломок") > 0);
    assert_true(sc("спасибо за подарки") > sc("спасибо"));
    /* homographs of a polar form */
    assert_true(sc("купила носок") == 0.0);
    assert_true(sc("опция БИТ подключена") == 0.0);
    assert_true(sc("чай с мятой") == 0.0);
}

static void nlp_stems_do_not_collide(void **state)
{
    rm_sentiment s;
    (void)state;
    /* "walked off" (left) is no "walk-off" (a winning hit) */
    assert_true(sc("he just walked off") == 0.0 && sc("walk-off homer in the 9th") > 0);
    /* "любой" (any) and "любить" (to love) share the Snowball stem "люб" */
    assert_true(sc("любой цвет") == 0.0);
    assert_true(sc("люблю этот цвет") > 0);
    /* "местами" (in places) damps what follows; "место" (place, room) does not */
    assert_true(sc("место хорошее") > sc("местами хорошее"));
    /* "used" and "useful" share the stem "use"; the guard keeps them apart */
    assert_true(sc("I used it twice") == 0.0);
    assert_true(sc("very useful") > 0);
    /* so a phrase is written with its verb in the base form: "run small" covers "runs small" */
    assert_true(sc("They run small") < 0 && sc("It runs small") < 0);
    assert_true(sc("these feel cheap") < 0 && sc("it keeps breaking") < 0);
    /* "понимающий" (understanding) is not "понимать" (to understand); "выключается" (switches
     * itself off) is not "выключают" (they switch off); "тупо" (simply) is not "тупой" */
    assert_true(sc("как это понимать") == 0.0 && sc("понимающий менеджер") > 0);
    /* "пришлось" (had to) and "пришли" (arrived) share the stem "пришл" */
    assert_true(sc("не пришлось ничего доказывать") > 0 && sc("деньги так и не пришли") < 0);
    assert_true(sc("во сколько выключают свет") == 0.0 && sc("телефон сам выключается") < 0);
    assert_true(sc("тупо позвонили и все решили") >= 0);
    assert_true(sc("тупо не работает") < sc("не работает"));
    /* "not exactly" denies a clear word and is a complaint of its own before a faint one */
    assert_true(sc("not exactly portable") < 0 && sc("not exactly cheap") < 0);
    /* "less" denies like "not": "less noisy" praises, "less comfortable" complains */
    assert_true(sc("it is less noisy than my old one") > 0 && sc("less comfortable") < 0);
    assert_true(sc("менее удобный") < 0);
    /* "without having to" removes the chore it reaches */
    assert_true(sc("prints envelopes without me having to fight with it") > 0);
    /* a guard that dropped a final e wants an e, i or y after it: "severe" is not "several" */
    assert_true(sc("several days") == 0.0);
    assert_true(sc("severely damaged") < sc("damaged"));
    /* "отменный" (excellent) and "отменить" (to cancel) share the stem "отмен" */
    assert_true(sc("Отменное качество") > 0.3);
    assert_true(sc("Заказ отменили") < 0);
    /* "миля" (mile) and "милый" (sweet) share "мил" */
    assert_true(sc("пять миль") == 0.0);
    /* nouns that Snowball gives a polar word's stem (found with a Russian dictionary,
     * tools/lex_audit.sh): road/expensive, port/spoil, pet food/feed, country/strange,
     * features/devil, advice/I recommend, football/pass around, gesture/harsh, rack/steady,
     * wave/I worry, breakfast/"feed promises", bran/chop off */
    assert_true(sc("Посылка была в дороге неделю") == 0.0);
    assert_true(sc("USB порт сбоку") == 0.0);
    assert_true(sc("корм для кошек") == 0.0);
    assert_true(sc("страна производитель Китай") == 0.0);
    assert_true(sc("черты лица") == 0.0);
    assert_true(sc("мой совет") == 0.0);
    assert_true(sc("смотрим футбол") == 0.0);
    assert_true(sc("жест") == 0.0);
    assert_true(sc("стойка для обуви") == 0.0);
    assert_true(sc("волна") == 0.0);
    assert_true(sc("на завтрак") == 0.0);
    assert_true(sc("овсяные отруби") == 0.0);
    assert_true(sc("пожарить") == 0.0);
    /* empty/let, and "кинуть" (to post) beside "кинули" (cheated) */
    assert_true(sc("и пусть весь мир подождёт") == 0.0 && sc("в зале пусто") < 0);
    assert_true(sc("кинула в беседу задания") == 0.0 && sc("меня кинули") < 0);
    /* "друг друга" (each other) is not "друг" (a friend) */
    assert_true(sc("соседи знают друг друга") == 0.0 && sc("мой лучший друг") > 0);
    /* frying/hot, "it twisted" (a sore stomach)/cool, chatting/dangling */
    assert_true(sc("шашлык считают на вес, до жарки") == 0.0 && sc("в зале жарко") < 0);
    assert_true(sc("живот крутило всю ночь") < 0 && sc("крутой ресторан") > 0);
    assert_true(sc("бармены болтают с гостями") == 0.0 && sc("кассир болтала по телефону") < 0);
    /* put/as it should be, "ладно" (all right)/well-made, how it is built/it suited me, they
     * advise/I recommend */
    assert_true(sc("Как положить деньги на мтс?") == 0.0 && sc("ладно, завтра посмотрим") == 0.0);
    assert_true(sc("Как устроена сеть Yota") == 0.0 && sc("меня всё устроило") > 0);
    assert_true(sc("техподдержка советует перезагрузить роутер") == 0.0 && sc("советую") > 0);
    /* to clean/clean, it spins/cool */
    assert_true(sc("приходится чистить вручную") == 0.0 && sc("в номере чисто") > 0);
    assert_true(sc("крутится кружок") <= 0 && sc("крутой") > 0);
    /* "волос" is hair for a shampoo, a complaint only where one was found */
    assert_true(sc("масло для волос") == 0.0 && sc("в супе нашли волос") < 0);
    /* "убрать" removes what it reaches: a defect is praise, a perk a complaint */
    assert_true(sc("ополаскиватель убрал разводы") > 0 && sc("убрали бесплатную доставку") < 0);
    assert_true(sc("достать из коробки") == 0.0);
    /* a Turkish bath is not a dative of "хам" (boor); "I haven't bought" is not "don't buy" */
    assert_true(sc("в клубе есть сауна и хамам") == 0.0 && sc("администратор хамит") < 0);
    assert_true(sc("абонемент пока не покупала") == 0.0 && sc("не покупайте") < 0);
    /* "we fly out" is not "the app crashes" */
    assert_true(sc("Завтра вылетаем в Турцию") == 0.0 && sc("приложение вылетает") < 0);
    /* "nothing is worse than" is no "not worse" */
    assert_true(sc("Нет ничего хуже, чем очередь в банке") < 0 && sc("не хуже других") > 0);
    /* "least" denies what it reaches; "at least" is a phrase of its own */
    assert_true(sc("the least painful car buying experience") > 0 && sc("my least favorite") < 0);
    assert_true(sc("at least it is cheap") == sc("it is cheap"));
    assert_true(sc("fewer headaches") > 0);
    /* "класс" praises; its oblique forms are a school year or a travel class */
    assert_true(sc("Ищу репетитора для 9 класса") == 0.0 && sc("Класс!") > 0);
    assert_true(sc("отель высокого класса") > 0);
    /* "never laughed so much", and a comparative of "крутой" */
    assert_true(sc("давно так не смеялась") > 0 && sc("второй сезон ещё круче первого") > 0);
    /* "вылет" is a crash of an app, but "до вылета" is before a flight's departure */
    assert_true(sc("Ни одного вылета за месяц игры") > 0);
    assert_true(sc("Регистрация закрывается за 40 минут до вылета") == 0.0);
    /* "в минус" is a frost, not a minus; "лет на пять" is no grade of five */
    assert_true(sc("губы не обветриваются даже в минус двадцать") >= 0);
    assert_true(sc("выгляжу старше лет на пять") <= 0);
    /* socks are not "ноский" (hard-wearing); "оторваться невозможно" (can't put it down) */
    assert_true(sc("дыр больше, чем в моих носках") <= 0 && sc("оторваться невозможно") > 0);
    /* "что ни закажешь" (whatever you order) is no negation */
    assert_true(sc("Что ни закажешь — всё вкусно.") > 0);
    /* a club is no "динамить" (to stand someone up); rooting for a team is no illness */
    assert_true(sc("Спасибо, Динамо!") > 0 && sc("больше не болею за Динамо") < 0);
    /* a negation does not reach across a colon */
    assert_true(sc("пользоваться невозможно: всё тормозит") < 0);
    /* "еле" (barely) denies what it reaches */
    assert_true(sc("батареи еле тёплые") < 0 && sc("еле работает") < 0);
    /* specifications: business days are not busy, a no-load speed is no failure */
    assert_true(sc("Ships within 1-2 business days.") == 0.0);
    assert_true(sc("No-load speed 0-2000 RPM.") == 0.0);
    /* a footballer is not messy */
    assert_true(sc("Messi scored twice") == 0.0 && sc("a messy build") < 0);
    /* frequent particles and verbs on a polar word's stem: just/simple, exactly/precise,
     * "help me" (a plea)/helped, depends/hung, opt out/refuse */
    assert_true(sc("просто хочу узнать тариф") == 0.0);
    assert_true(sc("это точно") == 0.0);
    assert_true(sc("всё зависит от тарифа") == 0.0);
    assert_true(sc("как отказаться от услуги") == 0.0);
    assert_true(sc("телефон завис") < 0 && sc("мне отказали") < 0);
    assert_true(sc("выдал ошибку") < 0 && sc("выдающийся результат") > 0);
    assert_true(sc("повышение цен") < 0);
    /* an infinitive of repair is an intention; the past form is the outcome */
    assert_true(sc("постараемся исправить") == 0.0 && sc("быстро исправили") > 0);
    assert_true(sc("помогите решить вопрос") == 0.0 && sc("вопрос решили") > 0);
    /* an intensifier merged with a polar word of its stem keeps its own sense when it is
     * written as the intensifier: rather/satisfied, completely/perfect */
    assert_true(sc("довольно большой размер") == 0.0);
    assert_true(sc("это совершенно другой телефон") == 0.0);
    assert_true(sc("я довольна") > 0 && sc("совершенно не работает") < 0);
    assert_true(sc("добро пожаловать") > 0 && sc("в соответствии с договором") == 0.0);
    /* the polar words keep their forms */
    assert_true(sc("дорогой") < 0 && sc("Советую!") > 0 && sc("не отфутболили") != 0.0);
    assert_true(sc("кормят завтраками") < 0 && sc("впустую") < 0);
    /* ё and е are one letter for the lexicon */
    s = run("Пришёл быстро, всё отлично");
    assert_true(s.score > 0.4);
    assert_true(sc("Пришел быстро, все отлично") == s.score);
    /* inflected forms reach their lemma */
    assert_true(sc("отличная") > 0.4 && sc("отличные") > 0.4 && sc("отличного") > 0.4);
    assert_true(sc("disappointing") < 0 && sc("disappointed") < 0);
}

static void nlp_evidence_has_spans_and_terms(void **state)
{
    const char *text = "Не рекомендую: товар ужасный!";
    rm_sentiment s = run(text);
    const rm_evidence *e;
    (void)state;
    assert_true(s.n_evidence >= 2);
    e = evidence_for(&s, "ужасный");
    assert_non_null(e);
    assert_memory_equal(text + e->start, "ужасный", e->end - e->start);
    assert_non_null(evidence_for(&s, "не рекомендую"));
    assert_true(e->valence < 0);
    s = run("not good");
    e = evidence_for(&s, "not good");
    assert_non_null(e);
    assert_true(e->valence < 0);
    s = run("Very GOOD");
    assert_true(s.evidence[0].valence > 2.0);
}

static const rm_aspect_hit *hit_for(const rm_sentiment *s, const char *aspect)
{
    for (size_t i = 0; i < s->n_aspects; i++)
        if (!strcmp(s->aspects[i].aspect, aspect))
            return &s->aspects[i];
    return NULL;
}

/* Aspect terms whose stem other words share are listed by written form (aspects.yaml). */
static void nlp_aspect_terms_do_not_collide(void **state)
{
    rm_sentiment s;
    (void)state;
    assert_int_equal(run("Почти всё хорошо").n_aspects, 0);           /* почта */
    s = run("Посылка была в дороге неделю");                           /* дорогой */
    assert_non_null(hit_for(&s, "delivery"));
    assert_null(hit_for(&s, "price"));
    assert_int_equal(run("the last time I checked").n_aspects, 0);
    s = run("It didn't last a month");
    assert_non_null(hit_for(&s, "durability"));
    s = run("среди дорогих аналогов");
    assert_non_null(hit_for(&s, "price"));
    assert_int_equal(run("my fitness tracker").n_aspects, 0);
    assert_int_equal(run("largely fine").n_aspects, 0);
    assert_int_equal(run("the best purchase I've made this year").n_aspects, 0);
    s = run("Feels flimsy and cheaply made");
    assert_non_null(hit_for(&s, "quality"));
    s = run("Took forever to arrive");
    assert_non_null(hit_for(&s, "delivery"));
    s = run("Перестал работать через два месяца");
    assert_non_null(hit_for(&s, "durability"));
    s = run("Хлипкий, сделан дёшево");
    assert_non_null(hit_for(&s, "quality"));
    assert_int_equal(hit_for(&s, "quality")->label, RM_LABEL_NEG);
    assert_true(sc("Пришло с повреждениями") < 0);
    s = run("Love it, but it runs a bit small");
    assert_non_null(hit_for(&s, "size_fit"));
    assert_int_equal(hit_for(&s, "size_fit")->label, RM_LABEL_NEG);
    s = run("Дорогой, но хороший. The fit is perfect, the material is thin.");
    assert_non_null(hit_for(&s, "price"));
    assert_non_null(hit_for(&s, "size_fit"));
    assert_non_null(hit_for(&s, "quality"));
}

static void nlp_aspects_take_clause_polarity_and_span(void **state)
{
    const char *text = "Доставка быстрая, но качество ужасное, размер подошёл.";
    rm_sentiment s = run(text);
    const rm_aspect_hit *d = hit_for(&s, "delivery"), *q = hit_for(&s, "quality");
    (void)state;
    assert_non_null(d);
    assert_non_null(q);
    assert_int_equal(d->label, RM_LABEL_POS);
    assert_int_equal(q->label, RM_LABEL_NEG);
    assert_memory_equal(text + d->start, "Доставка быстрая", d->end - d->start);
    assert_int_equal(d->end - d->start, strlen("Доставка быстрая"));
    assert_memory_equal(text + q->start, "но качество ужасное", q->end - q->start);
    assert_string_equal(d->term, "Доставка");
    assert_non_null(hit_for(&s, "size_fit"));
}

static void nlp_aspects_in_english_and_bare_lists(void **state)
{
    rm_sentiment s = run("Shipping was slow and the seller never replied. Price: great.");
    const rm_aspect_hit *h;
    (void)state;
    assert_int_equal(hit_for(&s, "delivery")->label, RM_LABEL_NEG);
    assert_int_equal(hit_for(&s, "seller_service")->label, RM_LABEL_NEG);
    assert_int_equal(hit_for(&s, "price")->label, RM_LABEL_POS);
    /* "Delivery, packaging - all perfect": bare list items take the sentence's polarity */
    s = run("Delivery, packaging - all perfect.");
    h = hit_for(&s, "packaging");
    assert_non_null(h);
    assert_int_equal(h->label, RM_LABEL_POS);
    assert_int_equal(run("Nice color").n_aspects, 1);
    assert_int_equal(run("Nothing to say").n_aspects, 0);
}

static void nlp_hint_forces_language(void **state)
{
    rm_sentiment s;
    (void)state;
    assert_int_equal(rm_nlp_score(nlp, "good", 4, RM_LANG_RU, arena, &s), RM_OK);
    assert_int_equal(s.lang, RM_LANG_RU);
    assert_true(s.score > 0); /* Latin words still meet the English lexicon */
    assert_int_equal(run("good").lang, RM_LANG_EN);
}

static void nlp_invalid_input_is_tolerated(void **state)
{
    const char bad[] = "\xFF\xFEgood\xC3 \xE2\x82 bad\x00 nice";
    rm_sentiment s;
    (void)state;
    assert_int_equal(rm_nlp_score(nlp, bad, sizeof(bad) - 1, RM_LANG_AUTO, arena, &s), RM_OK);
    for (size_t i = 0; i < s.n_evidence; i++)
        assert_true(s.evidence[i].end <= sizeof(bad) - 1);
    assert_int_equal(rm_nlp_score(nlp, NULL, 0, RM_LANG_AUTO, arena, &s), RM_OK);
    assert_int_equal(rm_nlp_score(nlp, NULL, 3, RM_LANG_AUTO, arena, &s), RM_EINVAL);
}

static void nlp_long_text_is_capped(void **state)
{
    size_t n = RM_NLP_MAX_BYTES + 4096;
    char *big = rm_xmalloc(n);
    rm_sentiment s;
    (void)state;
    for (size_t i = 0; i < n; i += 8)
        memcpy(big + i, "bad ok. ", RM_MIN(8, n - i));
    assert_int_equal(rm_nlp_score(nlp, big, n, RM_LANG_AUTO, arena, &s), RM_OK);
    assert_true(s.score < -0.9);
    for (size_t i = 0; i < s.n_evidence; i++)
        assert_true(s.evidence[i].end <= RM_NLP_MAX_BYTES);
    free(big);
    rm_arena_reset(arena);
}

typedef struct job {
    const char *text;
    double want;
    int ok;
} job;

static void *score_many(void *arg)
{
    job *j = arg;
    rm_arena *a = rm_arena_new(16 * 1024);
    j->ok = 1;
    for (int i = 0; i < 300; i++) {
        rm_sentiment s;
        if (rm_nlp_score(nlp, j->text, strlen(j->text), RM_LANG_AUTO, a, &s) != RM_OK ||
            s.score != j->want)
            j->ok = 0;
        rm_arena_reset(a);
    }
    rm_arena_free(a);
    return NULL;
}

static void nlp_one_model_many_threads(void **state)
{
    job jobs[4] = {{"Отличный товар, рекомендую!", 0, 0}, {"It broke, terrible.", 0, 0},
                   {"Не подошёл размер, вернула(", 0, 0}, {"very comfy, fits great :)", 0, 0}};
    pthread_t th[4];
    (void)state;
    for (int i = 0; i < 4; i++)
        jobs[i].want = sc(jobs[i].text);
    for (int i = 0; i < 4; i++)
        assert_int_equal(pthread_create(&th[i], NULL, score_many, &jobs[i]), 0);
    for (int i = 0; i < 4; i++) {
        pthread_join(th[i], NULL);
        assert_true(jobs[i].ok);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(nlp_polar_words_and_neutral_text),
        cmocka_unit_test(nlp_label_thresholds),
        cmocka_unit_test(nlp_negation_flips_within_scope),
        cmocka_unit_test(nlp_privative_words),
        cmocka_unit_test(nlp_absence),
        cmocka_unit_test(nlp_revisit),
        cmocka_unit_test(nlp_sufficiency),
        cmocka_unit_test(nlp_actually),
        cmocka_unit_test(nlp_questions),
        cmocka_unit_test(nlp_occasion_of_purchase),
        cmocka_unit_test(nlp_change_of_amount),
        cmocka_unit_test(nlp_negation_that_intensifies),
        cmocka_unit_test(nlp_intensifiers_and_diminishers),
        cmocka_unit_test(nlp_expectation_overturned),
        cmocka_unit_test(nlp_excess_and_degree),
        cmocka_unit_test(nlp_contrast_weighs_later_clause),
        cmocka_unit_test(nlp_caps_and_exclamation_emphasis),
        cmocka_unit_test(nlp_emoji_emoticons_and_brackets),
        cmocka_unit_test(nlp_scare_quotes),
        cmocka_unit_test(nlp_tagged_sarcasm),
        cmocka_unit_test(nlp_ironic_time),
        cmocka_unit_test(nlp_ironic_verdict),
        cmocka_unit_test(nlp_social_posts),
        cmocka_unit_test(nlp_ecommerce_phrases),
        cmocka_unit_test(nlp_russian_word_forms),
        cmocka_unit_test(nlp_stems_do_not_collide),
        cmocka_unit_test(nlp_evidence_has_spans_and_terms),
        cmocka_unit_test(nlp_aspect_terms_do_not_collide),
        cmocka_unit_test(nlp_aspects_take_clause_polarity_and_span),
        cmocka_unit_test(nlp_aspects_in_english_and_bare_lists),
        cmocka_unit_test(nlp_hint_forces_language),
        cmocka_unit_test(nlp_invalid_input_is_tolerated),
        cmocka_unit_test(nlp_long_text_is_capped),
        cmocka_unit_test(nlp_one_model_many_threads),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
