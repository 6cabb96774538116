namespace Automation.Activities.Fhir.Synthetic;

/// <summary>A preferred language (BCP 47).</summary>
internal sealed record Language(string Code, string Display);

/// <summary>A US city with its state and the first three digits of its ZIP codes.</summary>
internal sealed record Place(string City, string State, string ZipPrefix, string AreaCode);

/// <summary>Demographic tables: languages, places, names (proportions documented in README "Synthetic population").</summary>
internal static class Demographics
{
    public static readonly Weighted<Language> Languages = new(
        (new("en", "English"), 780),
        (new("es", "Spanish"), 130),
        (new("zh", "Chinese"), 25),
        (new("vi", "Vietnamese"), 15),
        (new("tl", "Tagalog"), 12),
        (new("fr", "French"), 10),
        (new("ko", "Korean"), 8),
        (new("ar", "Arabic"), 8),
        (new("ru", "Russian"), 7),
        (new("pt", "Portuguese"), 5));

    public static readonly Weighted<string> Genders = new(("female", 505), ("male", 485), ("other", 6), ("unknown", 4));

    public static readonly Weighted<Place> Places = new(
        (new("Los Angeles", "CA", "900", "213"), 40), (new("San Diego", "CA", "921", "619"), 25), (new("San Jose", "CA", "951", "408"), 20),
        (new("Sacramento", "CA", "958", "916"), 15), (new("Fresno", "CA", "937", "559"), 12),
        (new("Houston", "TX", "770", "713"), 30), (new("Dallas", "TX", "752", "214"), 25), (new("San Antonio", "TX", "782", "210"), 20), (new("Austin", "TX", "787", "512"), 15),
        (new("Miami", "FL", "331", "305"), 22), (new("Tampa", "FL", "336", "813"), 18), (new("Orlando", "FL", "328", "407"), 17), (new("Jacksonville", "FL", "322", "904"), 13),
        (new("New York", "NY", "100", "212"), 30), (new("Brooklyn", "NY", "112", "718"), 20), (new("Buffalo", "NY", "142", "716"), 6), (new("Rochester", "NY", "146", "585"), 4),
        (new("Philadelphia", "PA", "191", "215"), 25), (new("Pittsburgh", "PA", "152", "412"), 15),
        (new("Chicago", "IL", "606", "312"), 32), (new("Springfield", "IL", "627", "217"), 8),
        (new("Columbus", "OH", "432", "614"), 14), (new("Cleveland", "OH", "441", "216"), 12), (new("Cincinnati", "OH", "452", "513"), 10),
        (new("Atlanta", "GA", "303", "404"), 26), (new("Savannah", "GA", "314", "912"), 7),
        (new("Charlotte", "NC", "282", "704"), 18), (new("Raleigh", "NC", "276", "919"), 14),
        (new("Detroit", "MI", "482", "313"), 18), (new("Grand Rapids", "MI", "495", "616"), 12),
        (new("Newark", "NJ", "071", "973"), 16), (new("Jersey City", "NJ", "073", "201"), 12),
        (new("Seattle", "WA", "981", "206"), 17), (new("Spokane", "WA", "992", "509"), 6),
        (new("Phoenix", "AZ", "850", "602"), 16), (new("Tucson", "AZ", "857", "520"), 6),
        (new("Boston", "MA", "021", "617"), 15), (new("Worcester", "MA", "016", "508"), 6),
        (new("Denver", "CO", "802", "303"), 12), (new("Colorado Springs", "CO", "809", "719"), 6),
        (new("Minneapolis", "MN", "554", "612"), 10), (new("Saint Paul", "MN", "551", "651"), 7));

    public static readonly string[] Streets =
    [
        "Oak", "Maple", "Cedar", "Pine", "Elm", "Washington", "Lake", "Hill", "Park", "Main", "Church", "Highland", "Sunset", "River",
        "Spring", "Lincoln", "Jefferson", "Walnut", "Chestnut", "Willow", "Meadow", "Forest", "Ridge", "Franklin",
    ];

    public static readonly string[] StreetSuffixes = ["St", "Ave", "Rd", "Blvd", "Ln", "Dr", "Ct", "Way", "Pl"];

    public static readonly string[] FemaleGiven =
    [
        "Mary", "Patricia", "Jennifer", "Linda", "Elizabeth", "Barbara", "Susan", "Jessica", "Sarah", "Karen", "Emily", "Olivia",
        "Emma", "Sophia", "Ava", "Maria", "Ana", "Mei", "Linh", "Aisha", "Grace", "Chloe", "Isabella", "Nancy", "Lisa", "Rosa",
    ];

    public static readonly string[] MaleGiven =
    [
        "James", "Robert", "John", "Michael", "David", "William", "Richard", "Joseph", "Thomas", "Charles", "Daniel", "Matthew",
        "Liam", "Noah", "Jose", "Luis", "Wei", "Minh", "Omar", "Ethan", "Samuel", "Carlos", "Anthony", "Kevin", "Brian", "George",
    ];

    public static readonly string[] NeutralGiven = ["Alex", "Jordan", "Taylor", "Casey", "Riley", "Sam", "Morgan", "Jamie", "Avery", "Quinn"];

    public static readonly string[] Family =
    [
        "Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson", "Anderson", "Taylor", "Thomas", "Moore",
        "Jackson", "Martin", "Lee", "Thompson", "White", "Harris", "Clark", "Lewis", "Robinson", "Walker", "Young", "Allen", "King",
        "Wright", "Scott", "Green", "Baker", "Adams", "Nelson", "Hill", "Campbell", "Mitchell", "Roberts", "Carter", "Phillips",
        "Evans", "Turner", "Patel", "Kim", "Cohen", "Murphy", "Kowalski", "Ivanov",
    ];

    public static readonly string[] HispanicFamily =
    [
        "Garcia", "Rodriguez", "Martinez", "Hernandez", "Lopez", "Gonzalez", "Perez", "Sanchez", "Ramirez", "Torres", "Flores", "Rivera",
    ];

    public static readonly string[] ChineseFamily = ["Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou"];

    public static readonly string[] VietnameseFamily = ["Nguyen", "Tran", "Le", "Pham", "Hoang", "Phan", "Vu", "Dang"];

    /// <summary>A family name loosely matching the preferred language.</summary>
    public static string FamilyFor(Language language, Random random) => language.Code switch
    {
        "es" => random.Chance(0.85) ? random.Pick(HispanicFamily) : random.Pick(Family),
        "zh" => random.Pick(ChineseFamily),
        "vi" => random.Pick(VietnameseFamily),
        _ => random.Chance(0.12) ? random.Pick(HispanicFamily) : random.Pick(Family),
    };

    public static string GivenFor(string gender, Random random) => gender switch
    {
        "female" => random.Pick(FemaleGiven),
        "male" => random.Pick(MaleGiven),
        _ => random.Pick(NeutralGiven),
    };

    /// <summary>Age in years, 0-95: flat to 64, tapering after (roughly the US pyramid).</summary>
    public static readonly Weighted<int> Ages = new(Enumerable.Range(0, 96).Select(a => (a, a < 65 ? 100 : Math.Max(8, 100 - ((a - 64) * 3)))).ToArray());
}
